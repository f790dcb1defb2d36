"""`tagifai-orchestrate`: the Dagster UI, daemon and code server on 127.0.0.1, stopped in order by a signal.

`dagster dev` starts the same three processes, but on Ctrl-C it interrupts them all at once and then waits up
to a minute for each in turn: the code server waits for the runs in progress, the daemon for its sensor
threads. How long a stop took thus depended on the machine's load. This launcher starts the three itself, in a
process group of their own (so a terminal's Ctrl-C reaches only the launcher), and on SIGTERM, SIGINT or
SIGHUP stops them in order, each step with a bounded grace after which what is left of it is killed:

1. the daemon and the webserver: no sensor tick, schedule or click in the UI starts a run any more;
2. the runs in progress (the code server's run workers): interrupted, so Dagster records them as failed;
3. the code server.

A second signal kills what is left at once. A requested stop exits 0; a service that ends by itself stops the
others and exits 1, naming it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from tagifai import settings
from tagifai.orchestrate.processes import (
    Proc,
    cmdline,
    descendants,
    describe,
    process_table,
    read_proc,
    signal_all,
)

DAGSTER_HOME_ENV = "DAGSTER_HOME"
CODE_LOCATION_MODULE = "tagifai.orchestrate.definitions"
CODE_LOCATION_NAME = "tagifai"
# Grace of each stop step, in seconds: what outlives it is killed, so a stop never takes much longer than their
# sum, however loaded the machine is.
SERVICES_GRACE = 5.0
RUNS_GRACE = 10.0
CODE_SERVER_GRACE = 5.0
KILL_WAIT = 5.0
# How long the code server may take to load the definitions (it parses the dbt project when target/dagster has
# no manifest yet), and then the UI to answer, before the launcher gives up.
STARTUP_TIMEOUT = 600.0
POLL_SECONDS = 0.2
INSTANCE_YAML = """\
# Written by tagifai-orchestrate. Telemetry off; runs, schedules and sensor state live in this folder.
telemetry:
  enabled: false
"""
# Multiprocessing's resource tracker (a child of the code server) ignores SIGINT and ends with the code server.
RESOURCE_TRACKER = "multiprocessing.resource_tracker"


def dagster_home() -> Path:
    """$DAGSTER_HOME, else a dagster/ folder beside the warehouse."""
    home = os.environ.get(DAGSTER_HOME_ENV, "").strip()
    return Path(home).expanduser().resolve() if home else settings.duckdb_path().parent / "dagster"


def prepare_home(home: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    instance = home / "dagster.yaml"
    if not instance.exists():
        instance.write_text(INSTANCE_YAML)
    return home


@dataclass
class Service:
    """One of the three processes the launcher starts."""

    name: str
    process: subprocess.Popen[bytes]

    @property
    def proc(self) -> Proc | None:
        return read_proc(self.process.pid)


@dataclass
class Launcher:
    """Starts the code server, the webserver and the daemon; stops them in order when a signal arrives."""

    port: int
    home: Path
    signals: list[str] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    pgid: int | None = None
    killed: list[str] = field(default_factory=list)
    ui_up: bool = False
    hurried: bool = False

    # -- signals ---------------------------------------------------------------------------------------------
    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        # Only recorded: the main loop acts on it (waiting inside a handler would race the loop).
        self.signals.append(signal.Signals(signum).name)

    def install_handlers(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self._on_signal)

    @property
    def stop_requested(self) -> bool:
        return bool(self.signals)

    # -- starting --------------------------------------------------------------------------------------------
    def environment(self) -> dict[str, str]:
        # DAGSTER_IS_DEV_CLI: the processes behave as under `dagster dev` (shorter code-loading tracebacks).
        return {
            **os.environ,
            DAGSTER_HOME_ENV: str(self.home),
            "DAGSTER_DISABLE_TELEMETRY": "true",
            "DAGSTER_IS_DEV_CLI": "1",
        }

    def start(self, name: str, command: list[str]) -> Service:
        """Start one service in the services' process group (a new one for the first), stdin closed."""
        process = subprocess.Popen(
            command,
            cwd=settings.PROJECT_ROOT,
            env=self.environment(),
            stdin=subprocess.DEVNULL,
            process_group=0 if self.pgid is None else self.pgid,
        )
        if self.pgid is None:
            self.pgid = process.pid
        service = Service(name, process)
        self.services.append(service)
        return service

    def ended_service(self) -> Service | None:
        """A service that has ended (reaped here), if any."""
        for service in self.services:
            if service.process.poll() is not None:
                return service
        return None

    def wait_for(self, ready: Callable[[], bool], timeout: float) -> bool:
        """Poll `ready` until it holds (True), or a stop is asked, a service ends or `timeout` passes (False)."""
        deadline = time.monotonic() + timeout
        while not self.stop_requested and self.ended_service() is None and time.monotonic() < deadline:
            if ready():
                return True
            time.sleep(POLL_SECONDS)
        return False

    def ui_answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/server_info", timeout=2) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def serve(self, folder: Path) -> int:
        """Start the three services, print the UI's address once it answers, and wait for a signal."""
        bin_dir = Path(sys.executable).parent
        socket_path = folder / "code-server.sock"
        self.start(
            "code server",
            [
                str(bin_dir / "dagster"),
                *("code-server", "start", "--socket", str(socket_path)),
                *("-m", CODE_LOCATION_MODULE, "-d", str(settings.PROJECT_ROOT)),
                *("--location-name", CODE_LOCATION_NAME, "--log-level", "warning"),
            ],
        )
        print("tagifai-orchestrate: loading the definitions in the code server", flush=True)
        # The code server binds its socket once it has loaded the definitions (or recorded why it could not).
        if not self.wait_for(socket_path.exists, STARTUP_TIMEOUT):
            return self.outcome(f"the code server did not load {CODE_LOCATION_MODULE} within {STARTUP_TIMEOUT:.0f} s")
        workspace = folder / "workspace.yaml"
        workspace.write_text(
            f"load_from:\n  - grpc_server:\n      socket: {socket_path}\n      location_name: {CODE_LOCATION_NAME}\n"
        )
        self.start(
            "webserver",
            [
                str(bin_dir / "dagster-webserver"),
                *("--host", "127.0.0.1", "--port", str(self.port), "-w", str(workspace)),
            ],
        )
        self.start("daemon", [str(bin_dir / "dagster-daemon"), "run", "-w", str(workspace)])
        if not self.wait_for(self.ui_answers, STARTUP_TIMEOUT):
            return self.outcome(f"the UI did not answer on port {self.port} within {STARTUP_TIMEOUT:.0f} s")
        self.ui_up = True
        print(
            f"tagifai-orchestrate: Dagster UI on http://127.0.0.1:{self.port} (DAGSTER_HOME={self.home}); "
            "Ctrl-C stops it",
            flush=True,
        )
        while not self.stop_requested and self.ended_service() is None:
            time.sleep(POLL_SECONDS)
        return self.outcome("")

    def outcome(self, timed_out: str) -> int:
        """0 when a stop was asked; else 1, saying why (a service ended by itself, or `timed_out`)."""
        if self.stop_requested:
            return 0
        ended = self.ended_service()
        reason = timed_out
        if ended is not None:
            reason = f"the {ended.name} exited with code {ended.process.returncode} by itself (its log is above)"
            if ended.name == "webserver" and not self.ui_up:
                reason += f"; if port {self.port} is taken, pick another: make orchestrate DAGSTER_PORT=3001"
        print(f"tagifai-orchestrate: {reason}; stopping the others", file=sys.stderr, flush=True)
        return 1

    # -- stopping --------------------------------------------------------------------------------------------
    def _wait_empty(self, pending: Callable[[], list[Proc]], timeout: float, hurry: bool = True) -> bool:
        """Whether `pending()` empties within `timeout` (a second signal cuts the wait short when `hurry`)."""
        deadline = time.monotonic() + timeout
        while True:
            for service in self.services:
                service.process.poll()  # reaped, so that an ended service no longer counts as running
            if not pending():
                return True
            if hurry and len(self.signals) > 1:
                if not self.hurried:
                    print(f"tagifai-orchestrate: {self.signals[1]} again: killing what is left", flush=True)
                    self.hurried = True
                return False
            if time.monotonic() >= deadline:
                return False
            time.sleep(POLL_SECONDS)

    def _wait_gone(self, pending: Callable[[], list[Proc]], grace: float, what: str) -> None:
        """Wait until `pending()` is empty; once `grace` passes (or a second signal comes) kill what is left."""
        if self._wait_empty(pending, grace):
            return
        left = pending()
        self.killed.append(f"{what}: " + ", ".join(f"{proc.pid} {describe(proc.pid)}" for proc in left))
        signal_all(left, signal.SIGKILL)
        self._wait_empty(pending, KILL_WAIT, hurry=False)

    def _service_procs(self, *names: str) -> list[Proc]:
        procs = []
        for service in self.services:
            if service.name in names and (proc := service.proc) is not None and proc.running:
                procs.append(proc)
        return procs

    def _run_workers(self) -> list[Proc]:
        """The code server's run workers and everything they started (its own children are at depth 1)."""
        code_server = self._service_procs("code server")
        if not code_server:
            return []
        table = process_table()
        by_pid = {proc.pid: proc for proc in table}
        below = descendants(code_server[0].pid, table)
        return [
            by_pid[pid]
            for pid, depth in below.items()
            if depth >= 2 and pid in by_pid and RESOURCE_TRACKER not in cmdline(pid)
        ]

    def _group(self) -> list[Proc]:
        if self.pgid is None:
            return []
        return [proc for proc in process_table() if proc.pgid == self.pgid and proc.running]

    def _code_server(self) -> list[Proc]:
        """The code server and the `dagster api grpc` process it runs the definitions in."""
        servers = self._service_procs("code server")
        if not servers:
            return []
        table = process_table()
        children = {pid for pid, depth in descendants(servers[0].pid, table).items() if depth == 1}
        return servers + [proc for proc in table if proc.pid in children and RESOURCE_TRACKER not in cmdline(proc.pid)]

    def stop(self) -> None:
        """Stop the services in order, each step bounded; then kill anything left in their process group."""
        started = time.monotonic()
        why = f"{self.signals[0]}: stopping Dagster" if self.signals else "stopping Dagster"
        print(f"tagifai-orchestrate: {why}", flush=True)
        steps = []
        # 1. Nothing new starts: the daemon (sensors, schedules, run queue) and the UI.
        signal_all(self._service_procs("daemon", "webserver"), signal.SIGINT)
        self._wait_gone(lambda: self._service_procs("daemon", "webserver"), SERVICES_GRACE, "the daemon and webserver")
        steps.append(f"daemon and webserver {time.monotonic() - started:.1f} s")
        # 2. Runs in progress: a run worker interrupted records its run as failed and stops its steps (and dbt).
        step_start = time.monotonic()
        workers = self._run_workers()
        roots = [proc for proc in workers if proc.ppid not in {worker.pid for worker in workers}]
        if roots:
            print(f"tagifai-orchestrate: interrupting {len(roots)} run(s) in progress", flush=True)
            signal_all(roots, signal.SIGINT)
            self._wait_gone(self._run_workers, RUNS_GRACE, "the runs in progress")
            steps.append(f"runs {time.monotonic() - step_start:.1f} s")
        # 3. The code server and its `dagster api grpc` process, which have no run left to wait for; the group
        # then holds nothing else (multiprocessing's resource tracker ends with them).
        step_start = time.monotonic()
        signal_all(self._code_server(), signal.SIGINT)
        self._wait_gone(self._group, CODE_SERVER_GRACE, "the code server")
        steps.append(f"code server {time.monotonic() - step_start:.1f} s")
        if self.killed:
            print(f"tagifai-orchestrate: killed after their grace: {'; '.join(self.killed)}", flush=True)
        print(
            f"tagifai-orchestrate: stopped in {time.monotonic() - started:.1f} s ({', '.join(steps)})",
            flush=True,
        )


def serve(port: int) -> int:
    """Run the UI, daemon and code server until a signal stops them; the launcher's exit code."""
    launcher = Launcher(port=port, home=prepare_home(dagster_home()))
    launcher.install_handlers()
    with tempfile.TemporaryDirectory(prefix="tagifai-orchestrate-") as folder:
        try:
            code = launcher.serve(Path(folder))
        finally:
            launcher.stop()
    return code
