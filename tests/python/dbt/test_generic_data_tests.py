"""Every generic test in tests/generic/ fails on bad rows and names them. The loader never lands such rows,
so they are written straight into a copy of the real warehouse, as another writer could; `dbt test` must
then fail each test, and the test's query must return exactly the rows that were broken.

`not_blank_string` must call blank exactly what the loader rejects as empty: the same strings go through
the loader (as titles in a projects.json) and through the data test (written into raw.projects)."""

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from support.commands import run_dbt, run_loader

RESULT_LINE = re.compile(r"\d+ of \d+ (PASS|FAIL|WARN|ERROR)(?: (\d+))? (\S+) ")

# Titles to judge: blank for the loader is '' or only spaces, tabs, newlines, form feeds, carriage returns.
TITLES = [
    "",
    " ",
    "\t\n",
    " \f\r\t",
    "\r\n  ",
    "\v",  # vertical tab: not in the loader's set
    "\u00a0",  # no-break space
    "\u2003",  # em space
    "\ta",
    "a\n",
    " \n. ",
]


@dataclass(frozen=True)
class Outcomes:
    """What `dbt test` said per test, and where to run each test's query again."""

    status: dict[str, str]
    db_path: Path

    def of(self, prefix: str) -> tuple[str, str]:
        """(test name, outcome such as "FAIL 2") of the one test whose name starts with `prefix`."""
        matches = [(name, outcome) for name, outcome in self.status.items() if name.startswith(prefix)]
        assert len(matches) == 1, f"{prefix}: {matches} among {sorted(self.status)}"
        return matches[0]

    def stored(self, prefix: str, column: str) -> list[object]:
        """The values of `column` in the rows the test returns (its compiled SQL from run_results.json, run
        again on the same warehouse), sorted."""
        name, _ = self.of(prefix)
        run_results = json.loads((self.db_path.parent / "dbt_target" / "run_results.json").read_text())
        [sql] = [result["compiled_code"] for result in run_results["results"] if f".{name}." in result["unique_id"]]
        with duckdb.connect(str(self.db_path), read_only=True) as con:
            rows = con.execute(f'select "{column}" from ({sql}) as failures').fetchall()
        return sorted(value for (value,) in rows)


def _loader_blank_titles(real_data_dir: Path, tmp_path: Path) -> set[str]:
    """The titles in TITLES that the loader rejects as empty."""
    data = tmp_path / "data"
    data.mkdir()
    projects = [
        {"id": 100 + i, "title": title, "description": "a description", "tags": ["nlp"]}
        for i, title in enumerate(TITLES)
    ]
    (data / "projects.json").write_text(json.dumps(projects), encoding="utf-8")
    shutil.copy(real_data_dir / "tags.json", data / "tags.json")
    db_path = tmp_path / "loader.duckdb"
    result = run_loader(db_path, "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(db_path), read_only=True) as con:
        rejected = con.execute(
            "select source_position, reason from raw.rejected_records where source_name = 'projects'"
        ).fetchall()
        (n_loaded,) = con.execute("select count(*) from raw.projects").fetchone()
    assert all("title is empty" in reason for _, reason in rejected), rejected
    assert n_loaded + len(rejected) == len(TITLES)
    return {TITLES[position - 1] for position, _ in rejected}


@pytest.fixture(scope="module")
def broken(real_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Outcomes, dict[str, int]]:
    """A copy of the real warehouse with bad rows for every generic test, and `dbt test` run on it once."""
    db_path = tmp_path_factory.mktemp("broken") / "tagifai.duckdb"
    shutil.copy(real_warehouse, db_path)
    with duckdb.connect(str(db_path)) as con:
        ids = [row[0] for row in con.execute("select id from raw.projects order by id limit 30").fetchall()]
        title_ids = dict(zip(TITLES, ids, strict=False))
        for title, project_id in title_ids.items():
            con.execute("update raw.projects set title = ? where id = ?", [title, project_id])
        bad = dict(zip(["description", "null_item", "repeated_item", "bad_date", "good_date"], ids[20:], strict=False))
        con.execute("update raw.projects set description = chr(12) || chr(32) where id = ?", [bad["description"]])
        con.execute("update raw.projects set tags = ['nlp', null] where id = ?", [bad["null_item"]])
        con.execute("update raw.projects set tags = ['nlp', 'pytorch', 'nlp'] where id = ?", [bad["repeated_item"]])
        con.execute("update raw.projects set created_on = '2021-03-01 10:00' where id = ?", [bad["bad_date"]])
        con.execute("update raw.projects set created_on = '2021-03-01 10:00:00' where id = ?", [bad["good_date"]])
        labeled = [
            row[0] for row in con.execute("select id from marts.labeled_projects order by id limit 2").fetchall()
        ]
        con.execute("update marts.labeled_projects set tags = [] where id = ?", [labeled[0]])
        con.execute("update marts.labeled_projects set tags = null where id = ?", [labeled[1]])
        (duplicate,) = con.execute(
            "select project_id from intermediate.int_project_tags_unnested order by project_id limit 1"
        ).fetchone()
        con.execute(
            """
            insert into intermediate.int_project_tags_unnested
            select * from intermediate.int_project_tags_unnested where project_id = ? and tag_position = 1
            """,
            [duplicate],
        )
    bad |= {"empty_list": labeled[0], "null_list": labeled[1], "duplicate": duplicate}
    bad |= {f"title:{title!r}": project_id for title, project_id in title_ids.items()}
    result = run_dbt(
        db_path,
        "test",
        "--select",
        "source:madewithml.projects labeled_projects int_project_tags_unnested",
        "--exclude",
        "test_type:unit",
        check=False,
    )
    status = {}
    for match in RESULT_LINE.finditer(result.stdout):
        outcome, count, name = match.groups()
        status[name] = f"{outcome} {count}" if count else outcome
    assert status, result.stdout[-3000:]
    return Outcomes(status, db_path), bad


def test_not_blank_string_judges_blank_as_the_loader_does(
    broken: tuple[Outcomes, dict[str, int]], real_data_dir: Path, tmp_path: Path
) -> None:
    outcomes, bad = broken
    blank = _loader_blank_titles(real_data_dir, tmp_path)
    # The loader's rule, spelled out: the five characters and nothing else.
    assert blank == {title for title in TITLES if title.strip(" \t\n\f\r") == ""}
    expected = sorted(bad[f"title:{title!r}"] for title in blank)
    _, outcome = outcomes.of("source_not_blank_string_madewithml_projects_title")
    assert outcome == f"FAIL {len(expected)}"
    assert outcomes.stored("source_not_blank_string_madewithml_projects_title", "id") == expected
    _, outcome = outcomes.of("source_not_blank_string_madewithml_projects_description")
    assert outcome == "FAIL 1"
    assert outcomes.stored("source_not_blank_string_madewithml_projects_description", "id") == [bad["description"]]


def test_list_tests_name_the_rows_with_null_repeated_or_no_items(broken: tuple[Outcomes, dict[str, int]]) -> None:
    outcomes, bad = broken
    assert outcomes.of("source_list_items_not_null_madewithml_projects_tags")[1] == "FAIL 1"
    assert outcomes.stored("source_list_items_not_null_madewithml_projects_tags", "id") == [bad["null_item"]]
    # A warning (severity warn): the row is named all the same.
    assert outcomes.of("source_list_items_unique_madewithml_projects_tags")[1] == "WARN 1"
    assert outcomes.stored("source_list_items_unique_madewithml_projects_tags", "id") == [bad["repeated_item"]]
    assert outcomes.of("list_not_empty_labeled_projects_tags")[1] == "FAIL 2"
    assert outcomes.stored("list_not_empty_labeled_projects_tags", "id") == sorted(
        [bad["empty_list"], bad["null_list"]]
    )


def test_matches_regex_names_the_badly_written_date(broken: tuple[Outcomes, dict[str, int]]) -> None:
    outcomes, bad = broken
    assert outcomes.of("source_matches_regex_madewithml_projects_created_on")[1] == "FAIL 1"
    assert outcomes.stored("source_matches_regex_madewithml_projects_created_on", "id") == [bad["bad_date"]]


def test_unique_combination_of_columns_names_the_repeated_key(broken: tuple[Outcomes, dict[str, int]]) -> None:
    outcomes, bad = broken
    prefix = "unique_combination_of_columns_int_project_tags_unnested"
    assert outcomes.of(prefix)[1] == "FAIL 1"
    assert outcomes.stored(prefix, "project_id") == [bad["duplicate"]]
    assert outcomes.stored(prefix, "n_rows") == [2]


def test_the_other_source_tests_still_pass(broken: tuple[Outcomes, dict[str, int]]) -> None:
    """Each bad source row fails only the test it was written for. (The marts' own consistency tests fail
    too, rightly: the rows written into labeled_projects and the unnested tags no longer agree.)"""
    outcomes, _ = broken
    broken_tests = (
        "source_not_blank_string_madewithml_projects_title",
        "source_not_blank_string_madewithml_projects_description",
        "source_list_items_not_null_madewithml_projects_tags",
        "source_list_items_unique_madewithml_projects_tags",
        "source_matches_regex_madewithml_projects_created_on",
        "list_not_empty_labeled_projects_tags",
        "unique_combination_of_columns_int_project_tags_unnested",
    )
    others = {
        name: outcome
        for name, outcome in outcomes.status.items()
        if name.startswith("source_") and not name.startswith(broken_tests)
    }
    assert others and set(others.values()) == {"PASS"}, others
