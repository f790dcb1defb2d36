"""Analysts reading while the warehouse is rebuilt: separate reader processes (one holding a connection
through the whole build, one reconnecting for every query) and `tagifai-build` all succeed, and every
reader observation is wholly the old warehouse or wholly the new one. The build's result also carries
the snapshot history of the 4 projects 2021-05 corrects. A build that fails halfway publishes nothing."""

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from support.loading_helpers import copy_warehouse, dump, run_build, shared_dataset, taxonomy_with_a_repeated_alias
from support.reader_process import FINGERPRINT

READER = Path(__file__).parents[1] / "support" / "reader_process.py"
CHANGED_IDS = [367, 368, 449, 2404]


def _fingerprint(db_path: Path) -> list[object]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return list(con.execute(FINGERPRINT).fetchone())


def _wait_ready(out_file: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if out_file.exists() and '"ready"' in out_file.read_text():
            return
        assert process.poll() is None, f"reader died: {process.stderr.read()}"
        time.sleep(0.1)
    raise AssertionError("reader did not start within 60 s")


@pytest.fixture(scope="module")
def rebuilt(real_warehouse: Path, real_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Build 2021-05 over a built 2021-03 warehouse while two reader processes query it."""
    work = tmp_path_factory.mktemp("concurrent")
    db_path = copy_warehouse(real_warehouse, work / "published")
    old = _fingerprint(db_path)
    stop = work / "stop"
    readers = {}
    for mode in ("hold", "reconnect"):
        out_file = work / f"{mode}.jsonl"
        process = subprocess.Popen(
            [sys.executable, str(READER), str(db_path), str(out_file), str(stop), mode],
            stderr=subprocess.PIPE,
            text=True,
        )
        readers[mode] = (process, out_file)
    for process, out_file in readers.values():
        _wait_ready(out_file, process)
    build = run_build(db_path, "--data-dir", str(shared_dataset("2021-05", real_data_dir)))
    stop.touch()  # after the publish: each reader's last observation starts after it
    observations = {}
    for mode, (process, out_file) in readers.items():
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
        lines = out_file.read_text().splitlines()
        observations[mode] = [json.loads(line) for line in lines if line != '"ready"']
    return {"db_path": db_path, "build": build, "old": old, "new": _fingerprint(db_path), "seen": observations}


def test_the_build_succeeds_while_readers_hold_the_warehouse(rebuilt: dict) -> None:
    build = rebuilt["build"]
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr
    assert "tagifai-build: published" in build.stdout
    assert rebuilt["old"] != rebuilt["new"]
    assert rebuilt["new"][0] == 2032 and rebuilt["old"][0] == 0  # created_on arrived


def test_a_reader_holding_a_connection_sees_only_the_old_warehouse(rebuilt: dict) -> None:
    seen = rebuilt["seen"]["hold"]
    assert len(seen) > 10
    assert all(observation == rebuilt["old"] for observation in seen)


def test_a_reconnecting_reader_sees_old_then_new_never_a_mix(rebuilt: dict) -> None:
    seen = rebuilt["seen"]["reconnect"]
    assert all(observation in (rebuilt["old"], rebuilt["new"]) for observation in seen)
    switch = next(i for i, observation in enumerate(seen) if observation == rebuilt["new"])
    assert switch > 0 and all(observation == rebuilt["new"] for observation in seen[switch:])


def test_the_snapshot_shows_which_projects_changed_from_what_to_what_and_when(rebuilt: dict) -> None:
    with duckdb.connect(str(rebuilt["db_path"]), read_only=True) as con:
        rows = con.execute(
            """
            select project_id, tags, dbt_valid_from, dbt_valid_to
            from snapshots.project_history
            where project_id in (select project_id from snapshots.project_history group by all having count(*) > 1)
            order by project_id, dbt_valid_from
            """
        ).fetchall()
        n_versions, n_projects = con.execute(
            "select count(*), count(distinct project_id) from snapshots.project_history"
        ).fetchone()
    assert (n_versions, n_projects) == (2032 + 4, 2032)
    assert sorted({row[0] for row in rows}) == CHANGED_IDS
    for before, after in zip(rows[::2], rows[1::2], strict=True):
        assert before[0] == after[0]
        assert "reproducability" in before[1] and "reproducibility" not in before[1]
        assert [t.replace("reproducability", "reproducibility") for t in before[1]] == after[1]
        assert before[3] == after[2] and after[3] is None  # the old version ends when the new one starts


def test_a_build_that_fails_halfway_publishes_nothing(
    real_warehouse: Path, real_data_dir: Path, tmp_path: Path
) -> None:
    """A taxonomy the loader accepts but a dbt source test refuses (an alias listed twice): dbt builds
    part of the project, fails a test, skips the rest; the published warehouse stays as it was."""
    folder = taxonomy_with_a_repeated_alias(real_data_dir, tmp_path / "data")
    db_path = copy_warehouse(real_warehouse, tmp_path / "w")
    before = dump(db_path)
    result = run_build(db_path, "--data-dir", str(folder))
    assert result.returncode == 1
    summary = re.search(r"PASS=(\d+) WARN=\d+ ERROR=(\d+) SKIP=(\d+)", result.stdout)
    assert summary is not None, result.stdout[-3000:]
    n_pass, n_error, n_skip = map(int, summary.groups())
    assert n_pass > 0 and n_error > 0 and n_skip > 0  # it failed halfway
    assert "the published warehouse is unchanged" in result.stderr
    assert dump(db_path) == before
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("select count(*) from marts.labeled_projects").fetchone() == (1444,)


def test_a_hostile_dbt_var_stops_the_build_before_any_sql(
    real_warehouse: Path, real_data_dir: Path, tmp_path: Path
) -> None:
    db_path = copy_warehouse(real_warehouse, tmp_path / "w")
    before = dump(db_path)
    hostile = "{min_tag_freq: '30; drop table raw.projects; --'}"
    result = run_build(db_path, "--data-dir", str(shared_dataset("2021-05", real_data_dir)), "--", "--vars", hostile)
    assert result.returncode == 1
    assert "var 'min_tag_freq' must be a whole number, got \"30; drop table raw.projects; --\"" in result.stdout
    assert "the published warehouse is unchanged" in result.stderr
    assert dump(db_path) == before
