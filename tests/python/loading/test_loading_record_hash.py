"""The loader recognises an unchanged record by the hash stored with its row (_record_hash), not by
reading every stored text again; rows stored before the hash existed are compared column by column once
and get their hash."""

import json
from pathlib import Path

import duckdb

from support.commands import run_loader
from support.loading_helpers import write_data

PROJECTS = [{"id": i, "title": f"Project {i}", "description": f"About {i}.", "tags": ["pytorch"]} for i in range(1, 21)]


def _load(db_path: Path, folder: Path) -> str:
    result = run_loader(db_path, "--data-dir", str(folder))
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def _with_description(index: int, text: str) -> list[dict]:
    projects = json.loads(json.dumps(PROJECTS))
    projects[index]["description"] = text
    return projects


def test_every_row_carries_the_hash_of_its_columns(tmp_path: Path) -> None:
    db_path = tmp_path / "w.duckdb"
    _load(db_path, write_data(tmp_path / "a", PROJECTS))
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute("select count(*), count(_record_hash), count(distinct _record_hash) from raw.projects")
        assert rows.fetchone() == (20, 20, 20)


def test_a_changed_description_is_found_and_the_rest_is_unchanged(tmp_path: Path) -> None:
    db_path = tmp_path / "w.duckdb"
    _load(db_path, write_data(tmp_path / "a", PROJECTS))
    output = _load(db_path, write_data(tmp_path / "b", _with_description(4, "Now about something else.")))
    assert "20 loaded (0 new, 1 changed, 19 unchanged)" in output


def test_the_stored_hash_is_what_is_compared(tmp_path: Path) -> None:
    # A stored hash that no longer matches its row's columns makes that row count as changed, though its
    # columns equal the file's: the load compared hashes, not texts.
    db_path = tmp_path / "w.duckdb"
    folder = write_data(tmp_path / "a", PROJECTS)
    _load(db_path, folder)
    with duckdb.connect(str(db_path)) as con:
        con.execute("update raw.projects set _record_hash = _record_hash + 1 where id = 7")
    assert "20 loaded (0 new, 1 changed, 19 unchanged)" in _load(db_path, folder)


def test_rows_stored_before_the_hash_existed_are_compared_by_their_columns(tmp_path: Path) -> None:
    db_path = tmp_path / "w.duckdb"
    folder = write_data(tmp_path / "a", PROJECTS)
    _load(db_path, folder)
    with duckdb.connect(str(db_path)) as con:  # a warehouse loaded by a loader without the hash
        con.execute("alter table raw.projects drop column _record_hash")
    assert "20 loaded (0 new, 0 changed, 20 unchanged)" in _load(db_path, folder)
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("select count(_record_hash) from raw.projects").fetchone() == (20,)
    output = _load(db_path, write_data(tmp_path / "b", _with_description(0, "Changed.")))
    assert "20 loaded (0 new, 1 changed, 19 unchanged)" in output
