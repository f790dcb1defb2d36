"""The loader lands both files with metadata, refuses files that are not JSON arrays of objects with one
line naming the file, leaves what was loaded untouched, and fails fast offline with a way out."""

import json
from pathlib import Path

import duckdb
import pytest

from support.commands import run_loader


def _snapshot(db_path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return {
            table: con.execute(f"select * exclude (_loaded_at) from raw.{table} order by all").fetchall()
            for table in ("projects", "tags")
        }


@pytest.fixture()
def loaded(tmp_path: Path, real_data_dir: Path) -> Path:
    db_path = tmp_path / "w.duckdb"
    result = run_loader(db_path, "--data-dir", str(real_data_dir))
    assert result.returncode == 0, result.stderr
    return db_path


def test_load_lands_every_record_with_metadata(loaded: Path, real_data_dir: Path) -> None:
    with duckdb.connect(str(loaded), read_only=True) as con:
        assert con.execute("select count(*), count(distinct id) from raw.projects").fetchone() == (2032, 2032)
        assert con.execute("select count(*) from raw.tags").fetchone() == (400,)
        uri, position = con.execute("select _source_uri, _source_position from raw.projects where id = 2438").fetchone()
        assert uri == str(real_data_dir / "projects.json")
        assert position == 1
        assert con.execute("select count(*) from raw.projects where _loaded_at is null").fetchone() == (0,)


def test_load_reports_what_it_did(tmp_path: Path, real_data_dir: Path) -> None:
    result = run_loader(tmp_path / "w.duckdb", "--data-dir", str(real_data_dir))
    assert "projects.json: 2032 records -> raw.projects: 2032 loaded" in result.stdout
    assert "tags.json: 400 records -> raw.tags: 400 loaded" in result.stdout
    assert " s\n" in result.stdout  # time taken


def test_loading_twice_leaves_the_same_tables(loaded: Path, real_data_dir: Path) -> None:
    before = _snapshot(loaded)
    assert run_loader(loaded, "--data-dir", str(real_data_dir)).returncode == 0
    after = _snapshot(loaded)
    assert [row[:-2] for row in after["projects"]] == [row[:-2] for row in before["projects"]]
    assert len(after["tags"]) == len(before["tags"])


BAD_FILES = {
    "empty": b"",
    "truncated": b'[{"id": 1, "title": "a", "description": "b", "tags": []},',
    "object": b'{"id": 1}',
    "html": b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>",
    "invalid-utf8": b'[{"id": 1, "title": "\xff", "description": "b", "tags": []}]',
    "nan": b'[{"id": NaN, "title": "a", "description": "b", "tags": []}]',
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_file_is_refused_in_one_line_and_changes_nothing(
    loaded: Path, real_data_dir: Path, tmp_path: Path, kind: str
) -> None:
    folder = tmp_path / kind
    folder.mkdir()
    (folder / "projects.json").write_bytes(BAD_FILES[kind])
    (folder / "tags.json").write_bytes((real_data_dir / "tags.json").read_bytes())
    before = _snapshot(loaded)
    result = run_loader(loaded, "--data-dir", str(folder))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(folder / "projects.json") in lines[0]
    assert "Traceback" not in result.stderr
    assert _snapshot(loaded) == before


def test_offline_without_data_dir_fails_fast_and_says_how_to_use_local_files(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("TAGIFAI_DATA_DIR", raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # a closed port: no network either way
    result = run_loader(tmp_path / "w.duckdb")
    assert result.returncode == 1
    assert "TAGIFAI_DATA_DIR" in result.stderr and "--data-dir" in result.stderr


def test_bad_records_are_set_aside_with_reasons(tmp_path: Path, real_data_dir: Path) -> None:
    records = [
        {"id": 1, "title": "Good", "description": "d", "tags": ["pytorch"]},
        {"id": "2", "title": "Id is a string", "description": "d", "tags": []},
        {"id": 3, "title": None, "description": "d", "tags": []},
        {"id": 4, "title": "t", "description": "d", "tags": ["a", None, 5]},
        {"id": 5, "title": "copy", "description": "d", "tags": []},
        {"id": 5, "title": "copy", "description": "d", "tags": []},
        [1, 2],
    ]
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "projects.json").write_text(json.dumps(records))
    (folder / "tags.json").write_bytes((real_data_dir / "tags.json").read_bytes())
    db_path = tmp_path / "w.duckdb"
    result = run_loader(db_path, "--data-dir", str(folder))
    assert result.returncode == 0, result.stderr
    assert "1 loaded" in result.stdout and "6 rejected" in result.stdout
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("select id from raw.projects").fetchall() == [(1,)]
        reasons = dict(con.execute("select source_position, reason from raw.rejected_records").fetchall())
    assert "id is not an integer" in reasons[2]
    assert reasons[3] == "title is null"
    assert "tags holds items that are not strings" in reasons[4]
    assert "appears 2 times" in reasons[5] and "appears 2 times" in reasons[6]
    assert "not a JSON object" in reasons[7]
