"""`make release` after dbt's own commands: a partial run with other vars, and a failing `dbt test`, each
block the release until one build agrees again. Each step is the command a user types."""

import json
import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from support.commands import BIN, REPO_ROOT
from support.loading_helpers import copy_warehouse

pytestmark = pytest.mark.dbt


def _env(warehouse: Path, releases: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("DBT_", "TAGIFAI_PAUSE"))}
    env.update(
        TAGIFAI_DUCKDB_PATH=str(warehouse),
        TAGIFAI_RELEASE_DIR=str(releases),
        DBT_TARGET_PATH=str(warehouse.parent / "target"),
        DBT_LOG_PATH=str(warehouse.parent / "logs"),
    )
    return env


def run(warehouse: Path, releases: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command), cwd=REPO_ROOT, env=_env(warehouse, releases), capture_output=True, text=True, check=False
    )


def dbt(warehouse: Path, releases: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(warehouse, releases, str(BIN / "dbt"), *args)


def make_release(warehouse: Path, releases: Path, version: str) -> subprocess.CompletedProcess[str]:
    return run(warehouse, releases, "make", "--no-print-directory", "release", f"RELEASE_ARGS=--version {version}")


@pytest.fixture()
def warehouse(real_warehouse: Path, tmp_path: Path) -> Path:
    return copy_warehouse(real_warehouse, tmp_path / "w")


def test_a_partial_run_with_other_vars_cannot_be_released_until_a_full_build_agrees(
    warehouse: Path, tmp_path: Path
) -> None:
    releases = tmp_path / "releases"
    partial = dbt(warehouse, releases, "build", "--select", "labeled_projects", "--vars", "{min_tag_freq: 20}")
    assert partial.returncode == 0, partial.stdout[-3000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        stale = {
            row[0] for row in con.execute("select node_name from marts.build_parameters where is_stale").fetchall()
        }
        labeled_at = con.execute(
            "select min_tag_freq from marts.build_parameters where node_name = 'labeled_projects'"
        ).fetchone()
    # Built at 20 only labeled_projects; what it reads (tag_frequencies) and what reports on the threshold
    # (tag_threshold_sweep) are still at 30.
    assert labeled_at == (20,)
    assert {"tag_frequencies", "tag_threshold_sweep", "tag_cut_report"} <= stale
    assert "labeled_projects" not in stale and "stg_madewithml__projects" not in stale

    refused = make_release(warehouse, releases, "partial")
    assert refused.returncode != 0
    assert "release refused, nothing written" in refused.stderr and "tag_frequencies" in refused.stderr
    assert not (releases / "partial").exists()

    full = dbt(warehouse, releases, "build", "--vars", "{min_tag_freq: 20}")
    assert full.returncode == 0, full.stdout[-3000:]
    released = make_release(warehouse, releases, "at-20")
    assert released.returncode == 0, released.stdout[-2000:] + released.stderr[-2000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        kept = con.execute("select min(frequency) from marts.tag_frequencies where is_kept").fetchone()[0]
    assert kept >= 20


def test_a_failing_dbt_test_after_the_build_blocks_the_release(warehouse: Path, tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    with duckdb.connect(str(warehouse)) as con:  # a bad row the loader would have refused
        con.execute("insert into raw.tags select * from raw.tags where tag = 'pytorch'")
    tested = dbt(warehouse, releases, "test")
    assert tested.returncode != 0
    refused = make_release(warehouse, releases, "after-failing-test")
    assert refused.returncode != 0
    assert "source_primary_key_madewithml_tags_tag" in refused.stderr
    assert not (releases / "after-failing-test").exists()


def test_a_passing_dbt_test_after_the_build_counts_each_test_once(warehouse: Path, tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    listed = dbt(warehouse, releases, "ls", "--quiet", "--selector", "every_build", "--resource-type", "test")
    n_tests = len(listed.stdout.split())
    assert listed.returncode == 0 and n_tests > 50, listed.stdout[-2000:]
    for _ in range(2):  # the build already ran each; two more runs re-judge the same rows
        tested = dbt(warehouse, releases, "test")
        assert tested.returncode == 0, tested.stdout[-3000:]
    released = make_release(warehouse, releases, "after-passing-tests")
    assert released.returncode == 0, released.stdout[-2000:] + released.stderr[-2000:]
    meta = json.loads((releases / "after-passing-tests" / "manifest.json").read_text(encoding="utf-8"))
    assert sum(meta["build"]["tests"].values()) == n_tests
