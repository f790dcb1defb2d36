"""`tagifai-orchestrate` (what `make orchestrate` runs): the Dagster UI on 127.0.0.1 shows the dbt models
and the release in headless Chromium, and SIGTERM stops the UI, the daemon and the code server."""

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

from support.browser import rendered_dom
from support.commands import BIN, REPO_ROOT

pytestmark = pytest.mark.dbt


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _graphql(base: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{base}/graphql", data=json.dumps({"query": query}).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _live_members(pgid: int) -> list[str]:
    """The running (not zombie) processes of a group, read from /proc independently of the launcher."""
    result = subprocess.run(["ps", "-eo", "pgid=,stat=,args="], capture_output=True, text=True, check=True)
    members = []
    for line in result.stdout.splitlines():
        group, state, args = line.split(None, 2)
        if int(group) == pgid and not state.startswith("Z"):
            members.append(args)
    return members


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
    # Its own session, as a terminal would start it: the test signals the launcher, not a group it is part of.
    process = subprocess.Popen(
        [str(BIN / "tagifai-orchestrate"), "--port", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=(work / "out.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            if _graphql(base, "{ version }").get("data"):
                break
        except OSError:
            pass
        assert process.poll() is None, (work / "out.log").read_text()[-4000:]
        assert time.monotonic() < deadline, "the Dagster UI did not answer within 180 s"
        time.sleep(2)
    yield {"process": process, "base": base, "work": work, "port": port}
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)


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


def test_sigterm_stops_the_ui_the_daemon_and_the_code_server(ui: dict) -> None:
    process = ui["process"]
    os.kill(process.pid, signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    assert _live_members(process.pid) == [], "processes of dagster dev are still running after SIGTERM"
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", ui["port"])) != 0, "the UI's port still answers"
