"""An empty or collapsed dataset is an error: the data test assert_labeled_projects_not_collapsed fails the
build in one line naming var min_labeled_share and the threshold sweep row to read, and `tagifai-build`
(what `make build` runs) publishes nothing."""

import hashlib
import json
import math
import re
import subprocess
from pathlib import Path

import duckdb
import pytest
from release.helpers import copy_db

from oracles.lesson_reference import labeled_projects
from support.commands import run_dbt
from support.loading_helpers import run_build

GUARD = "assert_labeled_projects_not_collapsed"
DEFAULT_MIN_LABELED_SHARE = 0.1  # dbt_project.yml


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _dataset_hash(db_path: Path) -> str:
    """sha256 of marts.labeled_projects' rows by id, computed here (not with tagifai's content_hash)."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(
            "select id, title, description, text, tags, created_on from marts.labeled_projects"
        ).fetchall()
    lines = sorted(json.dumps([*row[:5], None if row[5] is None else str(row[5])], ensure_ascii=False) for row in rows)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _guard_errors(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if "Invalid Input Error: " in line]


def _n_projects(data_dir: Path) -> int:
    return len(json.loads((data_dir / "projects.json").read_text(encoding="utf-8")))


def test_a_threshold_that_empties_the_dataset_fails_the_build_and_publishes_nothing(
    real_warehouse: Path, real_data_dir: Path, tmp_path: Path
) -> None:
    published = copy_db(real_warehouse, tmp_path / "w")
    before = (_file_sha256(published), _dataset_hash(published))
    n_projects = _n_projects(real_data_dir)
    _, counts = labeled_projects(real_data_dir, min_tag_freq=1)
    assert max(counts.values()) < 500  # no tag is used 500 times: nothing would be labeled
    result = run_build(published, "--data-dir", str(real_data_dir), "--", "--vars", "{min_tag_freq: 500}")
    assert result.returncode == 1
    assert re.search(rf"\d+ of \d+ ERROR {GUARD} \.", result.stdout), result.stdout[-3000:]
    assert _guard_errors(result.stdout) == [
        f"Invalid Input Error: marts.labeled_projects keeps 0 of {n_projects} loaded projects (0.0%), below var "
        f"min_labeled_share = {DEFAULT_MIN_LABELED_SHARE} at min_tag_freq = 500; choose a lower min_tag_freq "
        "with: select * from marts.tag_threshold_sweep where min_tag_freq <= 500 and share_of_projects >= "
        f"{DEFAULT_MIN_LABELED_SHARE} order by min_tag_freq desc limit 1 (or lower min_labeled_share)"
    ]
    assert "the published warehouse is unchanged" in result.stderr
    assert (_file_sha256(published), _dataset_hash(published)) == before
    # The row the message points to, in the published warehouse: the highest threshold that keeps the
    # share, which the lesson's algorithm confirms.
    with duckdb.connect(str(published), read_only=True) as con:
        row = con.execute(
            "select min_tag_freq, n_projects from marts.tag_threshold_sweep where min_tag_freq <= 500 "
            "and share_of_projects >= 0.1 order by min_tag_freq desc limit 1"
        ).fetchall()
    top = max(counts.values())
    kept, _ = labeled_projects(real_data_dir, min_tag_freq=top)
    assert len(kept) / n_projects >= DEFAULT_MIN_LABELED_SHARE
    assert row == [(top, len(kept))]


@pytest.fixture(scope="module")
def guarded(real_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_db(real_warehouse, tmp_path_factory.mktemp("guarded"))


def _guard(db_path: Path, variables: str) -> subprocess.CompletedProcess[str]:
    return run_dbt(db_path, "test", "--select", GUARD, "--vars", variables, check=False)


def test_a_share_below_min_labeled_share_fails_and_at_or_under_it_passes(guarded: Path, real_data_dir: Path) -> None:
    df, _ = labeled_projects(real_data_dir)
    n_labeled, n_projects = len(df), _n_projects(real_data_dir)
    share = n_labeled / n_projects
    below, above = math.floor(share * 10_000) / 10_000, math.ceil(share * 10_000) / 10_000
    assert below < share < above
    passed = _guard(guarded, f"{{min_labeled_share: {below}}}")
    assert passed.returncode == 0 and f"PASS {GUARD} " in passed.stdout, passed.stdout[-2000:]
    failed = _guard(guarded, f"{{min_labeled_share: {above}}}")
    assert failed.returncode == 1
    assert _guard_errors(failed.stdout) == [
        f"Invalid Input Error: marts.labeled_projects keeps {n_labeled} of {n_projects} loaded projects "
        f"({round(100 * share, 1)}%), below var min_labeled_share = {above} at min_tag_freq = 30; choose a lower "
        "min_tag_freq with: select * from marts.tag_threshold_sweep where min_tag_freq <= 30 and "
        f"share_of_projects >= {above} order by min_tag_freq desc limit 1 (or lower min_labeled_share)"
    ]


@pytest.mark.parametrize("value", ["2", "-0.1", "'a lot'", "true"])
def test_a_wrong_min_labeled_share_is_named(guarded: Path, value: str) -> None:
    result = _guard(guarded, f"{{min_labeled_share: {value}}}")
    assert result.returncode != 0
    assert "var 'min_labeled_share' must be" in result.stdout
