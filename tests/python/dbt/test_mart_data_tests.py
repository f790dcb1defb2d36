"""The singular data tests on labeled_projects catch labels that break the lesson's rules. The pipeline
never writes such labels, so they are written straight into a copy of the real warehouse, as a broken
model or another writer could, and `dbt test` must name each one."""

import shutil
from pathlib import Path

import duckdb

from support.commands import run_dbt

TEST = "assert_labeled_projects_hold_only_kept_taxonomy_tags"


def test_labels_outside_the_kept_tags_are_each_reported(real_warehouse: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "tagifai.duckdb"
    shutil.copy(real_warehouse, db_path)
    with duckdb.connect(str(db_path)) as con:
        (rare_tag,) = con.execute(
            "select tag from marts.tag_frequencies where not is_kept order by frequency desc, tag limit 1"
        ).fetchone()
        ids = [row[0] for row in con.execute("select id from marts.labeled_projects order by id limit 3").fetchall()]
        # One label of each kind the test must flag: outside the taxonomy, excluded, and below min_tag_freq.
        for project_id, label in zip(ids, ["not-a-taxonomy-tag", "python", rare_tag], strict=True):
            con.execute(
                "update marts.labeled_projects set tags = list_append(tags, ?) where id = ?", [label, project_id]
            )
        problems = con.execute(
            f"""
            select id, tag from marts.labeled_projects, unnest(tags) as labels(tag)
            where tag in ('not-a-taxonomy-tag', 'python', '{rare_tag}')
            order by id
            """
        ).fetchall()
    assert problems == list(zip(ids, ["not-a-taxonomy-tag", "python", rare_tag], strict=True))

    failed = run_dbt(db_path, "test", "--select", TEST, check=False)
    assert failed.returncode != 0 and f"FAIL 3 {TEST}" in failed.stdout, failed.stdout[-3000:]
    # The rows it reports: the test's compiled query, run on the same warehouse.
    compiled = next((tmp_path / "dbt_target" / "compiled").rglob(f"{TEST}.sql")).read_text()
    with duckdb.connect(str(db_path), read_only=True) as con:
        reported = con.execute(f"select id, tag, problem from ({compiled}) order by id").fetchall()
    assert reported == [
        (ids[0], "not-a-taxonomy-tag", "not a taxonomy tag"),
        (ids[1], "python", "excluded tag"),
        (ids[2], rare_tag, "not kept by tag_frequencies (used fewer than min_tag_freq times)"),
    ]


def test_the_real_labels_pass(real_warehouse: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "tagifai.duckdb"
    shutil.copy(real_warehouse, db_path)
    result = run_dbt(db_path, "test", "--select", TEST)
    assert f"PASS {TEST}" in result.stdout, result.stdout[-3000:]
