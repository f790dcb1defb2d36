"""The marts and analyses that need created_on, on the 2021-05 data (the 2021-03 files have none): the
unknown-tag prevalence per month and the tags_by_month analysis equal an independent computation from the
JSON files, month by month."""

import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import duckdb
import pytest

from oracles.lesson_reference import labeled_projects as lesson_labeled_projects
from oracles.taxonomy_reference import known_tag_names
from support.commands import run_dbt, run_loader
from support.loading_helpers import shared_dataset


@pytest.fixture(scope="module")
def may_data(real_data_dir: Path) -> Path:
    return shared_dataset("2021-05", real_data_dir)


@pytest.fixture(scope="module")
def may_warehouse(may_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2021-05 data loaded and built (`dbt build`, every build-time test passing)."""
    db_path = tmp_path_factory.mktemp("may") / "tagifai.duckdb"
    loaded = run_loader(db_path, "--data-dir", str(may_data))
    assert loaded.returncode == 0, loaded.stderr
    run_dbt(db_path, "build")
    return db_path


def _rows(db_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def _month(created_on: str) -> date:
    """The first day of the month of a "YYYY-MM-DD HH:MM:SS" string."""
    return date(int(created_on[0:4]), int(created_on[5:7]), 1)


def _prevalence(data_dir: Path) -> list[tuple]:
    """One row per month, as unknown_tag_prevalence documents its columns, from projects.json."""
    known = known_tag_names(data_dir)
    projects = json.loads((data_dir / "projects.json").read_text(encoding="utf-8"))
    months: dict[date, list[dict]] = defaultdict(list)
    for project in projects:
        if project.get("created_on"):
            months[_month(project["created_on"])].append(project)
    first_month: dict[str, date] = {}
    for month in sorted(months):
        for project in months[month]:
            for tag in project["tags"]:
                if tag not in known:
                    first_month.setdefault(tag, month)
    rows = []
    for month, in_month in sorted(months.items()):
        uses = [tag for project in in_month for tag in project["tags"]]
        unknown = [tag for tag in uses if tag not in known]
        rows.append(
            (
                month,
                len(in_month),
                len(uses),
                len(unknown),
                len(set(unknown)),
                sum(1 for project in in_month if any(tag not in known for tag in project["tags"])),
                len(unknown) / len(uses),
                sum(1 for first in first_month.values() if first == month),
            )
        )
    return rows


def test_unknown_tag_prevalence_equals_an_independent_count(may_warehouse: Path, may_data: Path) -> None:
    expected = _prevalence(may_data)
    actual = _rows(
        may_warehouse,
        """
        select created_month, n_projects, n_project_tags, n_unknown_tags, n_distinct_unknown_tags,
            n_projects_with_unknown, share_unknown, n_new_unknown_tags
        from marts.unknown_tag_prevalence
        order by created_month
        """,
    )
    assert len(expected) == 9  # February to October 2020
    assert [row[:6] + row[7:] for row in actual] == [row[:6] + row[7:] for row in expected]
    assert [row[6] for row in actual] == pytest.approx([row[6] for row in expected], rel=1e-12)
    # Every project is dated, and every unknown tag is new in exactly one month.
    assert sum(row[1] for row in actual) == 2032
    assert sum(row[7] for row in actual) == _rows(may_warehouse, "select count(*) from marts.unknown_tags")[0][0]


def test_tags_by_month_counts_the_lessons_labels_per_month(may_warehouse: Path, may_data: Path) -> None:
    run_dbt(may_warehouse, "compile", "--select", "tags_by_month")
    compiled = may_warehouse.parent / "dbt_target" / "compiled" / "tagifai" / "analyses" / "tags_by_month.sql"
    rows = _rows(may_warehouse, compiled.read_text(encoding="utf-8"))
    df, _ = lesson_labeled_projects(may_data, 30)
    expected: Counter[tuple[date, str]] = Counter()
    for project in df.itertuples():
        for tag in set(project.tags):
            expected[(_month(project.created_on), tag)] += 1
    assert len({month for month, _ in expected}) == 9
    assert sorted((month, tag, n) for (month, tag), n in expected.items()) == sorted(rows)
    # The analysis orders by month, then by projects (most first).
    assert rows == sorted(rows, key=lambda row: (row[0], -row[2], row[1]))
