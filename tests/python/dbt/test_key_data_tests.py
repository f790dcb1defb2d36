"""The generic key tests (tests/generic/primary_key.sql, not_null_columns.sql) catch what they replace:
dbt's unique and not_null. The loader never lands a repeated or null id, so the bad rows are written
straight into a copy of the real warehouse, as another writer could, and `dbt test` must name them."""

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import duckdb

from support.commands import run_dbt

RESULT_LINE = re.compile(r"\d+ of \d+ (PASS|FAIL|WARN|ERROR)(?: (\d+))? (\S+) ")


def _results(db_path: Path, select: str) -> dict[str, str]:
    """Each selected test's outcome ("PASS", "FAIL 2", ...) by test name, from `dbt test` on `db_path`."""
    result = run_dbt(db_path, "test", "--select", select, check=False)
    outcomes = {}
    for match in RESULT_LINE.finditer(result.stdout):
        status, count, name = match.groups()
        outcomes[name] = f"{status} {count}" if count else status
    assert outcomes, result.stdout[-3000:]
    return outcomes


def _outcome(outcomes: dict[str, str], test_prefix: str) -> str:
    matches = [outcome for name, outcome in outcomes.items() if name.startswith(test_prefix)]
    assert len(matches) == 1, f"{test_prefix}: {matches} among {sorted(outcomes)}"
    return matches[0]


def test_primary_key_and_not_null_columns_fail_on_bad_raw_rows(real_warehouse: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "tagifai.duckdb"
    shutil.copy(real_warehouse, db_path)
    with duckdb.connect(str(db_path)) as con:
        (n_projects,) = con.execute("select count(*) from raw.projects").fetchone()
        # A second copy of project 6 (duplicate key), a project without id (null key) and one without a title.
        con.execute("insert into raw.projects select * from raw.projects where id = 6")
        con.execute("insert into raw.projects select * replace (null as id) from raw.projects where id = 7")
        con.execute("update raw.projects set title = null where id = 8")
        failing = con.execute(
            """
            select id, count(*) as n_rows
            from raw.projects
            group by id
            having count(*) > 1 or id is null
            order by id nulls last
            """
        ).fetchall()
    assert failing == [(6, 2), (None, 1)]

    outcomes = _results(db_path, "source:madewithml.projects")
    # One row per bad key value: the duplicated 6 and the null; one row per column holding nulls.
    assert _outcome(outcomes, "source_primary_key_madewithml_projects_id") == "FAIL 2"
    assert _outcome(outcomes, "source_not_null_columns_madewithml_projects") == "FAIL 1"
    # The staging view passes the rows through, so its key test fails the same way.
    outcomes = _results(db_path, "stg_madewithml__projects,test_type:data")
    assert _outcome(outcomes, "primary_key_stg_madewithml__projects_project_id") == "FAIL 2"

    with duckdb.connect(str(db_path), read_only=True) as con:
        (n_after,) = con.execute("select count(*) from raw.projects").fetchone()
    assert n_after == n_projects + 2


def test_primary_key_passes_on_the_real_data(real_warehouse: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "tagifai.duckdb"
    shutil.copy(real_warehouse, db_path)
    outcomes = _results(db_path, "test_name:primary_key test_name:primary_key_of_entity_and_category")
    assert len(outcomes) >= 15
    assert len([name for name in outcomes if name.startswith("primary_key_of_entity_and_category_")]) == 2
    assert set(outcomes.values()) == {"PASS"}, outcomes


def test_the_entity_and_category_key_fails_on_what_a_pair_key_would(real_warehouse: Path, tmp_path: Path) -> None:
    """primary_key_of_entity_and_category (tag_model_predictions, label_model) groups by the project only.
    Break each table in three ways a row count would not show (a tag repeated in place of another, a row
    without project, a row without tag), and compare with the key groups counted here in Python."""
    db_path = tmp_path / "tagifai.duckdb"
    shutil.copy(real_warehouse, db_path)
    expected = {}
    with duckdb.connect(str(db_path)) as con:
        for table in ("marts.tag_model_predictions", "marts.label_model"):
            (first_tag,), (second_tag,) = con.execute(
                f"select tag from {table} where project_id = 6 order by tag limit 2"
            ).fetchall()
            con.execute(f"update {table} set tag = ? where project_id = 6 and tag = ?", [first_tag, second_tag])
            con.execute(f"insert into {table} select * replace (null as project_id) from {table} where project_id = 7")
            con.execute(f"update {table} set tag = null where project_id = 8 and tag = ?", [first_tag])
            keys = Counter(con.execute(f"select project_id, tag from {table}").fetchall())
            bad = {pid for (pid, tag), n in keys.items() if n > 1 or pid is None or tag is None}
            expected[table.split(".")[1]] = bad
    assert expected["tag_model_predictions"] == expected["label_model"] == {6, None, 8}

    outcomes = _results(db_path, "test_name:primary_key_of_entity_and_category")
    # The failing rows, from each test's compiled query: each says what is wrong with its project.
    run_results = json.loads((db_path.parent / "dbt_target" / "run_results.json").read_text())["results"]
    with duckdb.connect(str(db_path), read_only=True) as con:
        for model, bad in expected.items():
            prefix = f"primary_key_of_entity_and_category_{model}_"
            assert _outcome(outcomes, prefix) == f"FAIL {len(bad)}"
            (query,) = (result["compiled_code"] for result in run_results if f".{prefix}" in result["unique_id"])
            problems = dict(con.execute(f"select entity, problem from ({query})").fetchall())
            assert problems == {6: "duplicate key", None: "null key: project_id", 8: "null key: tag"}
