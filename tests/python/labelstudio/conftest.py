"""A real Label Studio on loopback for the round-trip test: installed by the Makefile into its own venv
when missing, started on a free port with a temporary data folder, stopped at the end of the session."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from support.commands import REPO_ROOT, run_dbt, run_loader
from tagifai.annotate import server

START_TIMEOUT_S = 600


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """(base URL, token file) of a Label Studio started for this session; the password file, the server's
    log (server.log) and its process id (server.pid) are beside the token file."""
    if not (server.DEFAULT_VENV / "bin" / "label-studio").is_file():
        result = subprocess.run(["make", "setup-label-studio"], cwd=REPO_ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    data_dir = tmp_path_factory.mktemp("label_studio")
    port = _free_port()
    log = (data_dir / "server.log").open("w")
    process = subprocess.Popen(
        server.command(server.DEFAULT_VENV, port),
        env=server.environment(data_dir, server.DEFAULT_USERNAME),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    (data_dir / "server.pid").write_text(str(process.pid))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        assert process.poll() is None, (data_dir / "server.log").read_text()[-3000:]
        try:
            if requests.get(f"{url}/health", timeout=5).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline, "Label Studio did not start in time"
        time.sleep(1)
    yield url, data_dir / "token"
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    log.close()


@pytest.fixture(scope="session")
def built_projects(real_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real projects, no annotations yet, built (tag_suggestions, kept tags, labeling functions): copy
    it before changing it."""
    db_path = tmp_path_factory.mktemp("built_projects") / "tagifai.duckdb"
    result = run_loader(db_path, "--data-dir", str(real_data_dir))
    assert result.returncode == 0, result.stderr
    run_dbt(db_path, "build")
    return db_path


@pytest.fixture(scope="session")
def copy_built(built_projects: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """A function giving a private copy of `built_projects`, in its own folder (dbt's target and logs go
    beside it)."""

    def _copy(name: str) -> Path:
        db_path = tmp_path_factory.mktemp(name) / "tagifai.duckdb"
        db_path.write_bytes(built_projects.read_bytes())
        return db_path

    return _copy
