"""`tagifai-orchestrate`: the Dagster UI and daemon (`dagster dev`) on 127.0.0.1, stopped cleanly by a signal.

`dagster dev` runs the webserver, the daemon and a code server as child processes. Started detached it
ignored SIGTERM, so this wrapper runs it in its own process group and turns SIGTERM (and Ctrl-C) into
the SIGINT that `dagster dev` handles, then waits for the whole group and kills what is left.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from tagifai import settings

DAGSTER_HOME_ENV = "DAGSTER_HOME"
STOP_GRACE_SECONDS = 30
INSTANCE_YAML = """\
# Written by tagifai-orchestrate. Telemetry off; runs, schedules and sensor state live in this folder.
telemetry:
  enabled: false
"""


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


def live_members(pgid: int) -> list[int]:
    """The processes of group `pgid` that still run (zombies, which only wait to be reaped, left out)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            members.append(int(stat.parent.name))
    return members


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signum)


def supervise(process: subprocess.Popen[bytes], grace: float = STOP_GRACE_SECONDS) -> int:
    """Wait for `dagster dev`; on SIGTERM or SIGINT pass SIGINT to its group, SIGKILL what outlives `grace`.

    The handler only records the signal: waiting inside it would race the main loop for the child.
    """
    stop_at: list[float] = []

    def _stop(signum: int, _frame: FrameType | None) -> None:
        if not stop_at:
            print(f"tagifai-orchestrate: {signal.Signals(signum).name}: stopping Dagster", flush=True)
            stop_at.append(time.monotonic() + grace)
            _signal_group(process.pid, signal.SIGINT)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    while process.poll() is None or live_members(process.pid):
        if stop_at and time.monotonic() > stop_at[0]:
            _signal_group(process.pid, signal.SIGKILL)
        elif process.returncode is not None and not stop_at:
            # dagster dev ended by itself: its children follow within the grace period, or are killed.
            stop_at.append(time.monotonic() + grace)
        time.sleep(0.2)
    return process.returncode or 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start the Dagster UI and daemon for tagifai on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=3000, help="the UI's port (default 3000)")
    args = parser.parse_args(argv)
    home = prepare_home(dagster_home())
    env = {**os.environ, DAGSTER_HOME_ENV: str(home), "DAGSTER_DISABLE_TELEMETRY": "true"}
    dagster = str(Path(sys.executable).parent / "dagster")
    command = [dagster, "dev", "--host", "127.0.0.1", "--port", str(args.port)]
    print(f"tagifai-orchestrate: Dagster UI on http://127.0.0.1:{args.port} (DAGSTER_HOME={home})", flush=True)
    process = subprocess.Popen(command, cwd=settings.PROJECT_ROOT, env=env, start_new_session=True)
    code = supervise(process)
    print("tagifai-orchestrate: stopped", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
