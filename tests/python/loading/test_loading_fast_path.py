"""The loader's fast path (one typed read, checks in parallel, doubtful records re-checked in full) gives
exactly the tables the full record-by-record checks give: on the real data, on a corpus of bad records,
on files the fast path must refuse, and on random documents. Each file is loaded twice, once each way."""

import json
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_loading_bad_input import GOOD, GOOD_ALSO, RECORD_FAULTS, REPEATED_ID
from test_loading_property import json_values, recordish

from tagifai.errors import InputFileError
from tagifai.ingest import load as load_module
from tagifai.ingest.load import SourceFile, load
from tagifai.ingest.records import SPECS

RAW_COLUMNS = {
    "projects": "id, title, description, tags, created_on, _source_uri, _source_position",
    "tags": "tag, aliases, parents, _source_uri, _source_position",
}


def _load(files: dict[str, Path], fast: bool) -> tuple[dict[str, list[tuple]], list[bool]]:
    """Load `files` (raw table name -> path) into a fresh in-memory warehouse; every raw table's rows, the
    rejects (position, reason, record text), and which files took the fast path."""
    sources = [SourceFile(SPECS[name], path, str(path), replace_all=False) for name, path in files.items()]
    with duckdb.connect() as con:
        reports = load(con, sources, fast=fast)
        tables = {
            name: con.execute(f"select {RAW_COLUMNS[name]} from raw.{name} order by _source_position").fetchall()
            for name in files
        }
        tables["rejected"] = con.execute(
            "select source_name, source_position, reason, record_json from raw.rejected_records "
            "order by source_name, source_position"
        ).fetchall()
        leftovers = con.execute(
            "select table_name from duckdb_tables() where temporary and table_name like 'fast_landing%'"
        ).fetchall()
    assert leftovers == []
    return tables, [report.fast_path for report in reports]


def _both_ways(files: dict[str, Path]) -> list[bool]:
    """Assert the fast and the full load give the same tables; return which files the fast one took fast."""
    fast_tables, fast_paths = _load(files, fast=True)
    full_tables, full_paths = _load(files, fast=False)
    assert full_paths == [False] * len(files)
    assert fast_tables == full_tables
    return fast_paths


def _write(path: Path, document: object, ensure_ascii: bool = True) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=ensure_ascii), encoding="utf-8")
    return path


def test_the_real_files_take_the_fast_path_and_land_as_the_full_checks_land_them(real_data_dir: Path) -> None:
    files = {"tags": real_data_dir / "tags.json", "projects": real_data_dir / "projects.json"}
    # tags.json: entries without aliases or parents are re-checked (absent and null read alike there).
    assert _both_ways(files) == [True, True]


def test_bad_records_are_rechecked_in_full_with_the_same_reasons(tmp_path: Path) -> None:
    # Objects only and no repeated field name, so the fast path's reader accepts the file.
    faults = [record for record, _ in RECORD_FAULTS if isinstance(record, dict)]
    path = _write(tmp_path / "projects.json", [GOOD, *faults, *REPEATED_ID, *GOOD_ALSO])
    assert _both_ways({"projects": path}) == [True]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("not-an-object", b'[{"id": 1, "title": "t", "description": "d", "tags": []}, 5]'),
        ("repeated-field", b'[{"id": 1, "id": 2, "title": "t", "description": "d", "tags": []}]'),
        ("nan-in-an-unread-field", b'[{"id": 1, "title": "t", "description": "d", "tags": [], "score": NaN}]'),
        ("nan-inside-a-string", b'[{"id": 1, "title": "NaN handling", "description": "d", "tags": []}]'),
    ],
)
def test_files_the_fast_reader_cannot_judge_go_the_full_way(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / "projects.json"
    path.write_bytes(content)
    files = {"projects": path}
    if name == "nan-in-an-unread-field":
        for fast in (True, False):  # refused either way, with the record named
            with pytest.raises(InputFileError, match="record 1: non-standard JSON literal NaN"):
                _load(files, fast=fast)
        return
    assert _both_ways(files) == [False]


@pytest.mark.parametrize("content", [b"", b"[", b'[{"id": 1}', b"[{'id': 1}]", b"[1]["])
def test_a_file_level_fault_is_reported_by_the_full_checks_either_way(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "projects.json"
    path.write_bytes(content)
    messages = []
    for fast in (True, False):
        with pytest.raises(InputFileError) as raised:
            _load({"projects": path}, fast=fast)
        messages.append(str(raised.value))
    assert messages[0] == messages[1]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(document=st.lists(recordish() | json_values, max_size=8), ensure_ascii=st.booleans())
# Found by this test: DuckDB's message about a non-object element quoted it cut inside a character, and
# the client raised UnicodeDecodeError instead of duckdb.Error.
@example(document=[[{"00\x1f\x1f": None, '000"""\x1f\u0800\U00010000\U00010000': None}]], ensure_ascii=False)
@example(document=[[{"00\x1f\x1f": None, '000"""\x1f\u0800\U00010000\U00010000': None}]], ensure_ascii=True)
def test_random_documents_land_alike_either_way(
    tmp_path_factory: pytest.TempPathFactory, document: list[object], ensure_ascii: bool
) -> None:
    # Not ASCII-escaped, strings reach the fast path's no-backslash shortcut with every character.
    path = _write(tmp_path_factory.mktemp("random") / "projects.json", document, ensure_ascii)
    _both_ways({"projects": path})


@pytest.mark.parametrize("block", [1, 3, 7, 8, 64])
def test_the_byte_scan_finds_a_word_split_between_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    monkeypatch.setattr(load_module, "_SCAN_BLOCK", block)
    cases = {b'[{"a": "x Infinity y"}]': True, b'[{"a": -Infinity}]': True, b'[{"b": "xNaN"}]': True}
    cases |= {b'[{"a": "Infinit y Na N"}]': False, b"[]": False, b"": False}
    for content, expected in cases.items():
        path = tmp_path / "projects.json"
        path.write_bytes(content)
        assert load_module._mentions_non_standard_literal(path) is expected, (block, content)
