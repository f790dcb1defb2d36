"""`tagifai-orchestrate` (what `make orchestrate` runs): the Dagster UI on 127.0.0.1 shows the dbt models
and the release in headless Chromium, its address is printed once it answers, and SIGTERM stops the UI, the
daemon, the code server and the runs in progress, promptly and in order."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRunStatus

from support.browser import rendered_dom
from support.commands import BIN, REPO_ROOT

pytestmark = pytest.mark.dbt


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _graphql(base: str, query: str, variables: dict | None = None) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(f"{base}/graphql", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _processes() -> list[tuple[int, int, int, str]]:
    """(pid, ppid, pgid, args) of every running (not zombie) process, read with ps, apart from the launcher."""
    result = subprocess.run(
        ["ps", "-ww", "-eo", "pid=,ppid=,pgid=,stat=,args="], capture_output=True, text=True, check=True
    )
    processes = []
    for line in result.stdout.splitlines():
        pid, ppid, pgid, state, *args = line.split(None, 4)
        if not state.startswith("Z"):
            processes.append((int(pid), int(ppid), int(pgid), args[0] if args else ""))
    return processes


def _descendants(root: int) -> list[tuple[int, int, int, str]]:
    table = _processes()
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        for proc in table:
            if proc[1] == parent:
                found.append(proc)
                frontier.append(proc[0])
    return found


def _running_in(groups: set[int]) -> list[str]:
    return [f"{pid} {args[:120]}" for pid, _, pgid, args in _processes() if pgid in groups]


def _runs(base: str, statuses: list[str]) -> list[str]:
    query = "query($s: [RunStatus!]) { runsOrError(filter: {statuses: $s}) { ... on Runs { results { runId } } } }"
    return [run["runId"] for run in _graphql(base, query, {"s": statuses})["data"]["runsOrError"]["results"]]


def _launch_build(base: str) -> str:
    mutation = """
    mutation {
      launchRun(executionParams: {selector: {repositoryLocationName: "tagifai", repositoryName: "__repository__",
                                             jobName: "build"}}) {
        __typename
        ... on LaunchRunSuccess { run { runId } }
        ... on PythonError { message }
      }
    }"""
    result = _graphql(base, mutation)["data"]["launchRun"]
    assert result["__typename"] == "LaunchRunSuccess", result
    return result["run"]["runId"]


@pytest.fixture(scope="module")
def ui(real_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    work = tmp_path_factory.mktemp("orchestrate")
    port = _free_port()
    env = {
        **os.environ,
        "TAGIFAI_DUCKDB_PATH": str(work / "warehouse" / "tagifai.duckdb"),
        "TAGIFAI_DATA_DIR": str(real_data_dir),
        "DAGSTER_HOME": str(work / "dagster"),
    }
    log = work / "out.log"
    # Its own session, as a terminal would start it: the test signals the launcher, not a group it is part of.
    process = subprocess.Popen(
        [str(BIN / "tagifai-orchestrate"), "--port", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while "Dagster UI on" not in log.read_text():
        assert process.poll() is None, log.read_text()[-4000:]
        assert time.monotonic() < deadline, "the launcher did not say the Dagster UI was up within 300 s"
        time.sleep(0.5)
    groups = {pgid for _, _, pgid, _ in _descendants(process.pid)} | {process.pid}
    yield {"process": process, "base": f"http://127.0.0.1:{port}", "work": work, "port": port, "log": log}
    for group in groups:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)


def test_the_ui_answers_as_soon_as_the_launcher_says_it_is_up(ui: dict) -> None:
    # No retry: the address is printed only once the UI answers.
    assert _graphql(ui["base"], "{ version }")["data"]["version"]


def test_the_code_location_loads_every_asset(ui: dict) -> None:
    data = _graphql(ui["base"], "{ assetNodes { assetKey { path } } }")["data"]
    keys = {"/".join(node["assetKey"]["path"]) for node in data["assetNodes"]}
    assert {"marts/labeled_projects", "raw/projects", "dataset_release", "label_studio/tasks"} <= keys


def test_the_instance_is_under_dagster_home_with_telemetry_off(ui: dict) -> None:
    instance = (ui["work"] / "dagster" / "dagster.yaml").read_text()
    assert "telemetry:\n  enabled: false" in instance


def test_the_asset_graph_shows_the_dbt_models_and_the_release_in_a_browser(ui: dict) -> None:
    dom = rendered_dom(f"{ui['base']}/assets?view=flat")
    assert "labeled_projects" in dom
    assert "dataset_release" in dom


def test_sigterm_stops_the_ui_the_daemon_the_code_server_and_the_runs_in_progress(ui: dict) -> None:
    process, base = ui["process"], ui["base"]
    # A run in progress at the signal: the file sensor's first build, or one started here.
    if not _runs(base, ["STARTED"]):
        _launch_build(base)
    deadline = time.monotonic() + 300
    while not (in_progress := _runs(base, ["STARTED"])):
        assert time.monotonic() < deadline, "no run started within 300 s"
        time.sleep(1)
    below = _descendants(process.pid)
    commands = " ".join(args for *_, args in below)
    for service in ("dagster-webserver", "dagster-daemon", "code-server start"):
        assert service in commands, f"no {service} process under the launcher: {commands[:2000]}"
    groups = {pgid for _, _, pgid, _ in below} | {process.pid}
    started = time.monotonic()
    os.kill(process.pid, signal.SIGTERM)
    assert process.wait(timeout=60) == 0, ui["log"].read_text()[-4000:]
    took = time.monotonic() - started
    assert _running_in(groups) == [], "processes of the launcher are still running after SIGTERM"
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", ui["port"])) != 0, "the UI's port still answers"
    # Each run that was in progress is recorded as ended, not left "started" in the run history.
    with DagsterInstance.from_config(str(ui["work"] / "dagster")) as instance:
        statuses = {run_id: instance.get_run_by_id(run_id).status for run_id in in_progress}
    assert set(statuses.values()) <= {DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED}, statuses
    # Each stop step has a bounded grace (5 s, 10 s, 5 s), whatever the machine's load.
    assert took < 35, f"the stop took {took:.1f} s"


def test_a_service_that_ends_by_itself_stops_the_others_and_fails(tmp_path: Path) -> None:
    """The UI's port already taken: the webserver exits, the launcher says so, stops the rest and exits 1."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "TAGIFAI_DUCKDB_PATH": str(tmp_path / "w" / "tagifai.duckdb")}
        env["DAGSTER_HOME"] = str(tmp_path / "dagster")
        env.pop("TAGIFAI_DATA_DIR", None)
        process = subprocess.Popen(
            [str(BIN / "tagifai-orchestrate"), "--port", str(port)],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        groups = {process.pid}
        deadline = time.monotonic() + 300
        while process.poll() is None and time.monotonic() < deadline:
            groups |= {pgid for _, _, pgid, _ in _descendants(process.pid)}
            time.sleep(0.5)
        try:
            output, _ = process.communicate(timeout=60)
        finally:
            for group in groups:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(group, signal.SIGKILL)
    assert process.returncode == 1, output[-4000:]
    assert "the webserver exited with code" in output
    assert f"if port {port} is taken, pick another" in output
    assert "Dagster UI on" not in output
    assert _running_in(groups) == []
