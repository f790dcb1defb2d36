"""A load or build killed with SIGKILL at any stage leaves the warehouse exactly as it was before, and
the next load succeeds and gives what an uninterrupted load gives."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from support.commands import BIN, run_loader
from support.loading_helpers import copy_warehouse, dbt_env, dump, shared_dataset
from support.synthetic import write_dataset
from tagifai.pause import PAUSE_ENV, STAGES

# Columns that record when and by which load a row was written: they differ between any two loads.
LOAD_METADATA = ("_load_id", "_loaded_at", "load_id", "loaded_at", "seconds")
IN_TRANSACTION = ("landed", "mid-write", "before-commit")


@pytest.fixture(scope="module")
def datasets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A first file and a second one that leaves out 10 projects (kept: upsert), changes 10 and adds 50."""
    first = write_dataset(tmp_path_factory.mktemp("first"), n_projects=300, seed=3)
    projects = json.loads((first / "projects.json").read_text(encoding="utf-8"))
    for project in projects[:20]:
        project["title"] += " (changed)"
    more = write_dataset(tmp_path_factory.mktemp("more"), n_projects=350, seed=4)
    new = [p for p in json.loads((more / "projects.json").read_text(encoding="utf-8"))][300:]
    second = tmp_path_factory.mktemp("second")
    (second / "projects.json").write_text(json.dumps(projects[10:] + new), encoding="utf-8")
    (second / "tags.json").write_bytes((first / "tags.json").read_bytes())
    return first, second


@pytest.fixture(scope="module")
def expected_after_second(datasets: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> dict:
    first, second = datasets
    db_path = tmp_path_factory.mktemp("reference") / "tagifai.duckdb"
    for folder in (first, second):
        assert run_loader(db_path, "--data-dir", str(folder)).returncode == 0
    return dump(db_path, exclude_columns=LOAD_METADATA)


def _kill_at(stage: str, command: list[str], env: dict[str, str]) -> None:
    process = subprocess.Popen(
        command,
        env={**env, PAUSE_ENV: stage},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    line = process.stderr.readline()
    try:
        assert line.strip() == f"tagifai: paused at {stage}", line + process.stderr.read()
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL


@pytest.mark.parametrize(
    ("mode", "stage"),
    [("staged", stage) for stage in STAGES] + [("in-place", stage) for stage in IN_TRANSACTION],
)
def test_a_load_killed_at_any_stage_changes_nothing_and_the_next_load_succeeds(
    datasets: tuple[Path, Path], expected_after_second: dict, tmp_path: Path, mode: str, stage: str
) -> None:
    first, second = datasets
    db_path = tmp_path / "tagifai.duckdb"
    assert run_loader(db_path, "--data-dir", str(first)).returncode == 0
    before = dump(db_path)
    extra = ["--in-place"] if mode == "in-place" else []
    command = [str(BIN / "tagifai-load"), "--duckdb-path", str(db_path), "--data-dir", str(second), *extra]
    _kill_at(stage, command, dict(os.environ))
    assert dump(db_path) == before
    result = run_loader(db_path, "--data-dir", str(second), *extra)
    assert result.returncode == 0, result.stderr
    assert "10 changed" in result.stdout and "50 new" in result.stdout
    assert dump(db_path, exclude_columns=LOAD_METADATA) == expected_after_second


def test_a_build_killed_while_dbt_runs_leaves_the_published_warehouse_as_it_was(
    real_warehouse: Path, real_data_dir: Path, tmp_path: Path
) -> None:
    db_path = copy_warehouse(real_warehouse, tmp_path / "w")
    before = dump(db_path)
    newer = shared_dataset("2021-05", real_data_dir)
    process = subprocess.Popen(
        [str(BIN / "tagifai-build"), "--duckdb-path", str(db_path), "--data-dir", str(newer)],
        env=dbt_env(db_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    # Kill it once dbt has started writing models into the staged copy.
    started = time.monotonic()
    for line in process.stdout:
        if " OK created " in line or time.monotonic() - started > 240:
            break
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert dump(db_path) == before
    result = run_loader(db_path, "--data-dir", str(newer))
    assert result.returncode == 0, result.stderr
    assert "2032 changed" in result.stdout  # 2021-05 adds created_on to every project


def test_a_second_writer_is_refused_while_a_load_is_running(datasets: tuple[Path, Path], tmp_path: Path) -> None:
    first, second = datasets
    db_path = tmp_path / "tagifai.duckdb"
    assert run_loader(db_path, "--data-dir", str(first)).returncode == 0
    before = dump(db_path)
    process = subprocess.Popen(
        [str(BIN / "tagifai-load"), "--duckdb-path", str(db_path), "--data-dir", str(second)],
        env={**os.environ, PAUSE_ENV: "landed"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stderr.readline().strip() == "tagifai: paused at landed"
        for extra in ([], ["--in-place"]):
            result = run_loader(db_path, "--data-dir", str(second), *extra)
            assert result.returncode == 3  # refused: documented exit code (tagifai/cli_support.py)
            assert "refused: another writer (dbt, make build, tagifai-load) is changing it" in result.stderr
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert dump(db_path) == before
