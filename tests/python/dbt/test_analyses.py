"""The analyst questions in analyses/ compile with `dbt compile` and answer on the real data."""

from pathlib import Path

import duckdb
import pytest

from support.commands import REPO_ROOT, run_dbt


@pytest.fixture(scope="module")
def compiled(real_warehouse: Path) -> dict[str, str]:
    run_dbt(real_warehouse, "compile", "--select", "path:analyses")
    folder = real_warehouse.parent / "dbt_target" / "compiled" / "tagifai" / "analyses"
    return {path.stem: path.read_text(encoding="utf-8") for path in folder.glob("*.sql")}


def _run(db_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_analysis_compiles(compiled: dict[str, str]) -> None:
    analyses = sorted(path.stem for path in (REPO_ROOT / "analyses").glob("*.sql"))
    assert sorted(compiled) == analyses
    assert {"project_tags", "release_diff", "tags_by_month", "top_tags"} <= set(analyses)
    assert all("{{" not in sql and "ref(" not in sql for sql in compiled.values())


def test_top_tags(compiled: dict[str, str], real_warehouse: Path) -> None:
    rows = _run(real_warehouse, compiled["top_tags"])
    assert len(rows) == 20
    assert rows[0][1:4] == ("natural-language-processing", 424, 424)
    assert [row[4] for row in rows] == [True] * 20


def test_a_projects_tags(compiled: dict[str, str], real_warehouse: Path) -> None:
    rows = _run(real_warehouse, compiled["project_tags"])
    author_tags = _run(real_warehouse, "select tags from staging.stg_madewithml__projects where project_id = 445")[0][0]
    labels = _run(real_warehouse, "select tags from marts.labeled_projects where id = 445")[0][0]
    assert [row[1] for row in rows] == author_tags
    assert [row[1] for row in rows if row[3] == "label"] == labels
    outcomes = {row[1]: row[3] for row in rows}
    assert outcomes["python"].startswith("excluded")
    assert outcomes["article"] == "not a taxonomy tag"
    assert outcomes["tokenization"].startswith("below min_tag_freq")


def test_tags_by_month(compiled: dict[str, str], real_warehouse: Path) -> None:
    rows = _run(real_warehouse, compiled["tags_by_month"])
    # No created_on in the 2021-03 data: one null month, the labels' project counts.
    assert {row[0] for row in rows} == {None}
    expected = _run(
        real_warehouse,
        "select tag, count(distinct id) from marts.labeled_projects, unnest(tags) as t(tag) group by tag",
    )
    assert sorted((row[1], row[2]) for row in rows) == sorted(expected)
