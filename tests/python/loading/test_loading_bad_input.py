"""Bad input, built here as a corpus: file-level faults are refused in one line naming the file and the
position and change nothing; record-level faults set the bad records aside with a reason and load the
good ones; --strict refuses the file; text is stored exactly."""

import json
from pathlib import Path

import duckdb
import pytest

from support.commands import run_loader
from support.loading_helpers import dump, write_data

GOOD = {"id": 1, "title": "Good", "description": "A good project.", "tags": ["pytorch"]}
GOOD_JSON = json.dumps(GOOD).encode()

# name -> (file bytes, text the one-line error must contain besides the file name)
FILE_FAULTS = {
    "empty": (b"", "byte 0"),
    "only-whitespace": (b" \n\t\n", "byte 4"),
    "truncated-after-comma": (b"[" + GOOD_JSON + b",", "truncated"),
    "truncated-inside-a-string": (b'[{"id": 1, "title": "cut off]', "line 1 column 21"),
    "top-level-object": (GOOD_JSON, "expected a JSON array"),
    "top-level-number": (b"42", "byte 0"),
    "top-level-null": (b"null", "byte 0"),
    "html-error-page": (b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "HTML"),
    "html-after-whitespace": (b"\n\n  <html>Service Unavailable</html>", "byte 4"),
    "invalid-utf8": (b'[{"id": 1, "title": "caf\xe9", "description": "d", "tags": []}]', "invalid UTF-8"),
    "invalid-utf8-on-line-3": (b'[\n{"id": 1},\n{"title": "\xff"}]', "line 3"),
    "nan": (b'[{"id": NaN, "title": "a", "description": "b", "tags": []}]', "NaN"),
    "infinity": (b'[{"id": 1, "title": "a", "description": "b", "tags": [], "score": Infinity}]', "Infinity"),
    "minus-infinity-in-record-2": (b"[" + GOOD_JSON + b', {"id": -Infinity}]', "record 2"),
    "missing-comma": (b"[" + GOOD_JSON + b"\n" + GOOD_JSON + b"]", "line 2 column 1"),
    "trailing-comma": (b"[" + GOOD_JSON + b",]", "not valid JSON"),
    "single-quotes": (b"[{'id': 1}]", "line 1 column 3"),
    "two-arrays": (b"[" + GOOD_JSON + b"][" + GOOD_JSON + b"]", "Extra data"),
    "raw-control-character": (b'[{"id": 1, "title": "a\x01b", "description": "d", "tags": []}]', "control character"),
    "lone-surrogate": (b'[{"id": 1, "title": "\\ud800", "description": "d", "tags": []}]', "byte"),
}


@pytest.fixture()
def warehouse(tmp_path: Path) -> Path:
    """A warehouse holding one good load, with a reject and a log row, to compare against."""
    db_path = tmp_path / "w" / "tagifai.duckdb"
    folder = write_data(tmp_path / "first", [GOOD, {"id": 2, "title": "", "description": "d", "tags": []}])
    result = run_loader(db_path, "--data-dir", str(folder))
    assert result.returncode == 0, result.stderr
    return db_path


@pytest.mark.parametrize("fault", sorted(FILE_FAULTS))
def test_file_fault_is_refused_in_one_line_with_position_and_changes_nothing(
    warehouse: Path, tmp_path: Path, fault: str
) -> None:
    content, position_text = FILE_FAULTS[fault]
    folder = write_data(tmp_path / fault, None, raw=content)
    before = dump(warehouse)
    result = run_loader(warehouse, "--data-dir", str(folder))
    assert result.returncode == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith(f"tagifai-load: error: {folder / 'projects.json'}: ")
    assert position_text in lines[0]
    assert dump(warehouse) == before


def test_a_refused_file_in_place_changes_nothing_either(warehouse: Path, tmp_path: Path) -> None:
    folder = write_data(tmp_path / "nan", None, raw=FILE_FAULTS["nan"][0])
    before = dump(warehouse)
    result = run_loader(warehouse, "--in-place", "--data-dir", str(folder))
    assert result.returncode == 1 and "NaN" in result.stderr
    assert dump(warehouse) == before


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    folder = write_data(tmp_path / "bom", None, raw=b"\xef\xbb\xbf[" + GOOD_JSON + b"]")
    db_path = tmp_path / "w.duckdb"
    result = run_loader(db_path, "--data-dir", str(folder))
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("select id, title from raw.projects").fetchall() == [(1, "Good")]


def _project(project_id: object, **fields: object) -> dict[str, object]:
    return {"id": project_id, "title": "t", "description": "d", "tags": ["pytorch"], **fields}


# (record, a reason it must be rejected with); positions follow the list order from 2 (1 is GOOD).
RECORD_FAULTS = [
    ({"title": "t", "description": "d", "tags": []}, "id is missing"),
    (_project(None), "id is null"),
    (_project("12"), "id is not an integer (found string"),
    (_project(1.5), "id is not an integer (found number"),
    (_project(True), "id is not an integer (found boolean"),
    (_project([3]), "id is not an integer (found list"),
    (_project(2**64 + 1), "id is not an integer"),
    (_project(18446744073709551615), "is larger than the largest BIGINT"),
    (_project(10, title=None), "title is null"),
    (_project(11, title=""), "title is empty"),
    (_project(12, title=" \t\n "), "title is empty"),
    (_project(13, title=42), "title is not a string (found integer 42)"),
    (_project(14, title=["a"]), "title is not a string (found list"),
    ({"id": 15, "description": "d", "tags": []}, "title is missing"),
    (_project(16, description=None), "description is null"),
    (_project(17, description=""), "description is empty"),
    (_project(18, description={"text": "x"}), "description is not a string (found object"),
    (_project(19, tags="pytorch"), "tags is not a list (found string"),
    (_project(20, tags=None), "tags is null; use [] for none"),
    (_project(21, tags=["a", None]), "tags holds items that are not strings"),
    (_project(22, tags=["a", 5, {"x": 1}]), "tags holds items that are not strings"),
    ({"id": 23, "title": "t", "description": "d"}, "tags is missing"),
    (_project(24, created_on="yesterday"), "created_on yesterday is not a date-time"),
    (_project(25, created_on="2020-02-30 10:00:00"), "created_on 2020-02-30 10:00:00 is not a date-time"),
    (_project(26, created_on="2020-02-17T06:30:41"), "is not a date-time in YYYY-MM-DD HH:MM:SS form"),
    (_project(27, created_on=20200217), "created_on is not a string (found integer"),
    ([1, 2], "element is not a JSON object (found list"),
    ("a string", "element is not a JSON object (found string"),
    (None, "element is not a JSON object (found null"),
    (7, "element is not a JSON object (found integer"),
    (_project(30, title=None, tags=None), "title is null; tags is null"),
]
REPEATED_ID = [_project(40, title="first copy"), _project(40, title="second copy")]
GOOD_ALSO = [
    _project(50, created_on="2020-02-17 06:30:41"),
    _project(51, created_on=None),
    _project(52, tags=[]),
    _project(-3),
    _project(2**31 + 7),
    _project(2**63 - 1),
]


@pytest.fixture()
def mixed_folder(tmp_path: Path) -> Path:
    records = [GOOD, *(record for record, _ in RECORD_FAULTS), *REPEATED_ID, *GOOD_ALSO]
    raw = json.dumps(records).encode()
    # A record repeating a field: json.dumps cannot write one, so it is spliced in as text.
    raw = raw[:-1] + b', {"id": 60, "id": 61, "title": "t", "description": "d", "tags": []}]'
    return write_data(tmp_path / "mixed", None, raw=raw)


def test_bad_records_are_set_aside_with_actionable_reasons_and_good_ones_land(
    mixed_folder: Path, tmp_path: Path
) -> None:
    db_path = tmp_path / "w.duckdb"
    result = run_loader(db_path, "--data-dir", str(mixed_folder))
    assert result.returncode == 0, result.stderr
    n_good = 1 + len(GOOD_ALSO)
    n_bad = len(RECORD_FAULTS) + len(REPEATED_ID) + 1
    summary = f"{n_good + n_bad} records -> raw.projects: {n_good} loaded"
    assert summary in result.stdout and f"{n_bad} rejected to raw.rejected_records" in result.stdout
    with duckdb.connect(str(db_path), read_only=True) as con:
        ids = [row[0] for row in con.execute("select id from raw.projects order by _source_position").fetchall()]
        rejected = con.execute(
            "select source_position, reason, record_json, source_name, source_uri, load_id, loaded_at "
            "from raw.rejected_records order by source_position"
        ).fetchall()
    assert ids == [1, *(record["id"] for record in GOOD_ALSO)]
    reasons = {row[0]: row[1] for row in rejected}
    for position, (record, expected) in enumerate(RECORD_FAULTS, start=2):
        assert expected in reasons[position], (record, reasons[position])
        assert json.loads(rejected[position - 2][2]) == record  # the record as JSON text, as read
    first_copy = len(RECORD_FAULTS) + 2
    for position in (first_copy, first_copy + 1):
        assert reasons[position] == "id 40 appears 2 times in this file; every copy is set aside"
    assert "repeats a field name (id)" in reasons[max(reasons)]
    assert all(row[3] == "projects" and row[4] == str(mixed_folder / "projects.json") for row in rejected)
    assert all(row[5] and row[6] for row in rejected)  # load id and time


def test_strict_refuses_the_file_and_loads_nothing(mixed_folder: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "w.duckdb"
    first = write_data(tmp_path / "first", [GOOD])
    assert run_loader(db_path, "--data-dir", str(first)).returncode == 0
    before = dump(db_path)
    result = run_loader(db_path, "--strict", "--data-dir", str(mixed_folder))
    assert result.returncode == 1
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert "--strict" in line and "record 2: id is missing" in line
    assert dump(db_path) == before


def test_strict_loads_a_clean_file(tmp_path: Path) -> None:
    folder = write_data(tmp_path / "clean", [GOOD, *GOOD_ALSO])
    result = run_loader(tmp_path / "w.duckdb", "--strict", "--data-dir", str(folder))
    assert result.returncode == 0, result.stderr
    assert f"{1 + len(GOOD_ALSO)} loaded" in result.stdout and "0 rejected" in result.stdout


HARD_TEXT = [
    'It\'s a "quoted" title',
    "back\\slash \\n not a newline \\u0041",
    "emoji 😀🧠 and accents éàü, CJK 中文, RTL עברית",
    "line one\nline two\r\nline three\ttabbed",
    "'; drop table raw.projects; --",
    "Robert'); DROP TABLE raw.projects;--",
    "$$ dollar $$ quoted $tag$",
    "{{ var('min_tag_freq') }} {% raw %}",
    "  padded both sides  ",
    "nul \u0000 inside",
    "x" * 100_000,
    "ü" * 60_000,
]


def test_text_and_large_ids_are_stored_exactly(tmp_path: Path) -> None:
    records = [
        {
            "id": 2**31 + i if i % 2 else 2**62 + i,
            "title": text[:200] or "t",
            "description": text,
            "tags": [text[:50], "pytorch"],
        }
        for i, text in enumerate(HARD_TEXT)
    ]
    folder = write_data(tmp_path / "hard", records)
    db_path = tmp_path / "w.duckdb"
    result = run_loader(db_path, "--strict", "--data-dir", str(folder))
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute("select id, title, description, tags from raw.projects order by _source_position").fetchall()
        assert con.execute("select count(*) from raw.projects").fetchone() == (len(HARD_TEXT),)
    assert rows == [(r["id"], r["title"], r["description"], r["tags"]) for r in records]


@pytest.mark.parametrize("complete", [False, True])
def test_a_rejected_record_never_replaces_or_deletes_the_last_good_version(tmp_path: Path, complete: bool) -> None:
    db_path = tmp_path / "w.duckdb"
    first = write_data(tmp_path / "first", [GOOD, _project(2, title="second")])
    assert run_loader(db_path, "--data-dir", str(first)).returncode == 0
    broken = write_data(tmp_path / "broken", [{**GOOD, "title": ""}, _project(2, title="second")])
    result = run_loader(db_path, "--data-dir", str(broken), *(["--replace"] if complete else []))
    assert result.returncode == 0, result.stderr
    assert "1 rejected" in result.stdout and "removed" not in result.stdout
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("select id, title from raw.projects order by id").fetchall() == [(1, "Good"), (2, "second")]
