"""dbt's own commands, typed as a user types them, on a warehouse readers hold: each works, and each takes
the staged publish (tagifai.warehouse.dbt_plugin).

Every command runs as `.venv/bin/dbt <command>` in its own process from the project root. The warehouse is a
copy of the real one, named by $TAGIFAI_DUCKDB_PATH (as a user points dbt at another file), with dbt's
target/ and logs beside it ($DBT_TARGET_PATH, $DBT_LOG_PATH) so the checkout's own are left alone.

What each test holds against:
- readers: a read-only connection opened before the command still reads the old file after it, and a new
  connection reads what the command wrote (its results in build_log.build_results);
- a failing error test: nothing is published (the file's bytes are unchanged) and the last line says so;
- SIGKILL at the last moment (the copy complete, not yet renamed): the published file is unchanged, and the
  next command succeeds;
- two writers at once: the second is refused in one line, exit 3.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from oracles.lesson_reference import labeled_projects as lesson_labeled_projects
from support.commands import BIN, REPO_ROOT
from support.loading_helpers import copy_warehouse

pytestmark = pytest.mark.dbt

# Every command that writes, as the issue lists them (retry is set up by a failing build first).
WRITING_COMMANDS = [
    "build",
    "build --vars {min_tag_freq: 20}",
    "build --select labeled_projects",
    "build --selector labeled_dataset",
    "build --exclude tag:scheduled --full-refresh",
    "test",
    "test --select source:*",
    "run --select labeled_projects tag_frequencies",
    "seed",
    "snapshot",
    "retry",
]


def _argv(command: str) -> list[str]:
    """`build --vars {min_tag_freq: 20}` as a shell would split "dbt build --vars '{min_tag_freq: 20}'"."""
    if "--vars " in command:
        head, value = command.split("--vars ", 1)
        return [*head.split(), "--vars", value]
    return command.split()


def _env(warehouse: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "TAGIFAI_DUCKDB_PATH": str(warehouse),
        "DBT_TARGET_PATH": str(warehouse.parent / "target"),
        "DBT_LOG_PATH": str(warehouse.parent / "logs"),
    }
    env.pop("TAGIFAI_HELD_STAGE", None)
    env.pop("TAGIFAI_PAUSE_AT", None)
    env.update(extra)
    return env


def dbt(warehouse: Path, command: str, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """`.venv/bin/dbt <command> <args>` from the project root, as a user runs it."""
    return subprocess.run(
        [str(BIN / "dbt"), *_argv(command), *args],
        cwd=REPO_ROOT,
        env=_env(warehouse, **extra),
        capture_output=True,
        text=True,
        check=False,
    )


def which(command: str) -> str:
    """The command dbt reports: `dbt retry` runs again, and names, the command it retries (here a build)."""
    name = command.split()[0]
    return "build" if name == "retry" else name


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    return lines[-1] if lines else ""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def n_results(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select count(*) from build_log.build_results").fetchone()[0]


def break_a_source_test(warehouse: Path) -> None:
    """Repeat a taxonomy row in raw.tags: the error test source_primary_key_madewithml_tags_tag fails."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into raw.tags select * from raw.tags where tag = 'pytorch'")


def repair_the_source_test(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        first = con.execute("select min(rowid) from raw.tags where tag = 'pytorch'").fetchone()[0]
        con.execute("delete from raw.tags where tag = 'pytorch' and rowid <> ?", [first])


@pytest.fixture()
def warehouse(real_warehouse: Path, tmp_path: Path) -> Path:
    return copy_warehouse(real_warehouse, tmp_path / "w")


def _prepare_retry(warehouse: Path) -> None:
    """`dbt retry` reruns what the last command left undone: a build that failed on a bad row, then repaired."""
    break_a_source_test(warehouse)
    failed = dbt(warehouse, "build --select +labeled_projects")
    assert failed.returncode != 0, failed.stdout[-2000:]
    repair_the_source_test(warehouse)


@pytest.mark.parametrize("command", WRITING_COMMANDS)
def test_a_writing_command_works_while_a_reader_holds_the_warehouse(warehouse: Path, command: str) -> None:
    if command == "retry":
        _prepare_retry(warehouse)
    reader = duckdb.connect(str(warehouse), read_only=True)
    try:
        before = n_results(reader)
        result = dbt(warehouse, command)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
        assert last_line(result) == f"tagifai: published {warehouse} (dbt {which(command)} succeeded)"
        assert n_results(reader) == before, "the reader saw the new file before reconnecting"
    finally:
        reader.close()
    with duckdb.connect(str(warehouse), read_only=True) as again:
        assert n_results(again) > before
        assert not (warehouse.parent / f".{warehouse.name}.staging" / warehouse.name).exists()


def test_build_with_vars_publishes_the_lessons_dataset_at_that_threshold(warehouse: Path, real_data_dir: Path) -> None:
    """`dbt build --vars '{min_tag_freq: 20}'` publishes what the lesson's own code keeps at 20."""
    expected, kept = lesson_labeled_projects(real_data_dir, min_tag_freq=20)
    result = dbt(warehouse, "build --vars {min_tag_freq: 20}")
    assert result.returncode == 0, result.stdout[-3000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        n_projects, n_tags = con.execute(
            "select count(*), (select count(distinct tag) from "
            "(select unnest(tags) as tag from marts.labeled_projects)) "
            "from marts.labeled_projects"
        ).fetchone()
        stale = con.execute("select node_name from marts.build_parameters where is_stale").fetchall()
    assert (n_projects, n_tags) == (len(expected), len(kept))
    assert stale == []


@pytest.mark.parametrize("command", ["build", "build --select +labeled_projects", "retry"])
def test_a_failing_error_test_publishes_nothing(warehouse: Path, command: str) -> None:
    if command == "retry":
        _prepare_retry(warehouse)
        break_a_source_test(warehouse)  # still broken when retried
    else:
        break_a_source_test(warehouse)
    before = sha256(warehouse)
    result = dbt(warehouse, command)
    assert result.returncode != 0
    assert last_line(result) == (
        f"tagifai: dbt {which(command)} did not succeed: nothing published, {warehouse} is unchanged"
    )
    assert sha256(warehouse) == before


def test_a_failing_dbt_test_publishes_its_results_and_changes_no_table(warehouse: Path) -> None:
    break_a_source_test(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        labeled_before = con.execute("select * from marts.labeled_projects order by id").fetchall()
    result = dbt(warehouse, "test")
    assert result.returncode != 0
    assert last_line(result).startswith(
        "tagifai: dbt test failed: its results are published in build_log.build_results"
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        failed = con.execute(
            "select node_name from build_log.build_results where command = 'test' and status = 'fail'"
        ).fetchall()
        assert con.execute("select * from marts.labeled_projects order by id").fetchall() == labeled_before
    assert ("source_primary_key_madewithml_tags_tag",) in failed


@pytest.mark.parametrize("command", ["build", "test", "seed", "snapshot"])
def test_sigkill_before_the_publish_leaves_the_warehouse_and_the_next_run_works(warehouse: Path, command: str) -> None:
    before = sha256(warehouse)
    process = subprocess.Popen(
        [str(BIN / "dbt"), *_argv(command)],
        cwd=REPO_ROOT,
        env=_env(warehouse, TAGIFAI_PAUSE_AT="before-publish"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    while line and "paused at before-publish" not in line:
        line = process.stderr.readline()
    assert "paused at before-publish" in line, f"dbt {command} ended before reaching the publish"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert sha256(warehouse) == before
    again = dbt(warehouse, command)
    assert again.returncode == 0, again.stdout[-3000:]
    assert last_line(again) == f"tagifai: published {warehouse} (dbt {command} succeeded)"


@pytest.mark.parametrize("second", ["build --select labeled_projects", "test", "seed"])
def test_a_second_writer_is_refused_in_one_line(warehouse: Path, second: str) -> None:
    first = subprocess.Popen(
        [str(BIN / "dbt"), "build"],
        cwd=REPO_ROOT,
        env=_env(warehouse, TAGIFAI_PAUSE_AT="staged-copy"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert first.stderr is not None
        assert "paused at staged-copy" in first.stderr.readline()
        started = time.monotonic()
        result = dbt(warehouse, second)
        assert result.returncode == 3
        assert last_line(result).startswith(f"tagifai: {warehouse}: refused: another writer")
        assert "Traceback" not in result.stdout + result.stderr
        assert time.monotonic() - started < 120
    finally:
        first.kill()
        first.wait()


def test_read_only_commands_read_the_published_file(warehouse: Path) -> None:
    for command in ("ls --select labeled_projects", "compile --select labeled_projects", "docs generate"):
        result = dbt(warehouse, command)
        assert result.returncode == 0, f"dbt {command}: {result.stdout[-2000:]}"
        assert "published" not in last_line(result)
    shown = dbt(warehouse, "show --inline", "select count(*) as n from {{ ref('labeled_projects') }}")
    assert shown.returncode == 0


def test_dbt_show_without_a_warehouse_says_what_to_run(tmp_path: Path) -> None:
    missing = tmp_path / "none" / "tagifai.duckdb"
    result = subprocess.run(
        [str(BIN / "dbt"), "show", "--inline", "select 1 as one"],
        cwd=REPO_ROOT,
        env=_env(missing),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert last_line(result) == (
        f"tagifai: no warehouse at {missing} yet: run `dbt build` (or make build) first, which loads the sources "
        "and builds it"
    )


def test_dbt_build_on_a_fresh_clone_loads_the_sources_itself(tmp_path: Path, real_data_dir: Path) -> None:
    fresh = tmp_path / "fresh" / "tagifai.duckdb"
    result = dbt(fresh, "build", TAGIFAI_DATA_DIR=str(real_data_dir))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    expected, kept = lesson_labeled_projects(real_data_dir)
    with duckdb.connect(str(fresh), read_only=True) as con:
        n_projects = con.execute("select count(*) from marts.labeled_projects").fetchone()[0]
    assert n_projects == len(expected)
