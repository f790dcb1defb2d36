"""Property test: random JSON thrown at the loader never ends in a traceback, and every record that an
independent Python reading of the rules calls good lands exactly, while every other one is set aside."""

import contextlib
import io
import json
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tagifai.ingest.cli import main as load_main

MISSING = object()
BLANK = re.compile(r"[ \t\n\f\r]*")  # what the loader calls an empty title/description (RE2's \s)
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")

# Text without lone surrogates: a file holding one is not valid Unicode and is refused whole (see the
# corpus in test_loading_bad_input.py).
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | text
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3), max_leaves=8
)
timestamps = st.datetimes(min_value=datetime(1000, 1, 1)).map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S"))


@st.composite
def recordish(draw: st.DrawFn) -> dict[str, object]:
    """An object that is often a good project and often wrong in one or more fields."""
    fields = {
        "id": st.integers(0, 4) | st.integers(-(2**65), 2**65) | json_values,
        "title": text | json_values,
        "description": text | json_values,
        "tags": st.lists(text, max_size=4) | st.lists(text | json_values, max_size=3) | json_values,
        "created_on": timestamps | st.none() | text | json_values,
    }
    record: dict[str, object] = {}
    for name, strategy in fields.items():
        if draw(st.integers(0, 9)) > 0:  # each field is missing one time in ten
            record[name] = draw(strategy)
    if draw(st.booleans()):
        record[draw(text)] = draw(json_values)  # an extra field, which the loader ignores
    return record


def _key(record: object) -> str | None:
    if isinstance(record, dict) and record.get("id", None) is not None:
        return json.dumps(record["id"])
    return None


def _valid_timestamp(value: object) -> bool:
    if value is None:
        return True
    if not isinstance(value, str) or not TIMESTAMP.fullmatch(value):
        return False
    try:
        datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return False
    return True


def is_good(record: object, key_counts: dict[str, int]) -> bool:
    """The loader's rules for a project, read independently."""
    if not isinstance(record, dict):
        return False
    project_id = record.get("id", MISSING)
    if type(project_id) is not int or not -(2**63) <= project_id < 2**63 or key_counts[_key(record)] > 1:
        return False
    for field in ("title", "description"):
        value = record.get(field, MISSING)
        if type(value) is not str or BLANK.fullmatch(value):
            return False
    tags = record.get("tags", MISSING)
    if type(tags) is not list or any(type(tag) is not str for tag in tags):
        return False
    return _valid_timestamp(record.get("created_on"))


def _run(folder: Path, document: object, ensure_ascii: bool) -> tuple[int, str, str]:
    path = folder / "projects.json"
    path.write_text(json.dumps(document, ensure_ascii=ensure_ascii), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = load_main(["--in-place", "--duckdb-path", str(folder / "w" / "tagifai.duckdb"), "--projects", str(path)])
    return code, out.getvalue(), err.getvalue()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=st.lists(recordish() | json_values, max_size=8), ensure_ascii=st.booleans())
def test_random_records_never_crash_and_every_good_record_lands(document: list[object], ensure_ascii: bool) -> None:
    keys = [_key(record) for record in document]
    key_counts = {key: keys.count(key) for key in keys}
    good = [record for record in document if is_good(record, key_counts)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        code, out, err = _run(folder, document, ensure_ascii)
        assert code == 0, err
        assert f"{len(document)} records -> raw.projects: {len(good)} loaded" in out
        assert f"{len(document) - len(good)} rejected" in out
        with duckdb.connect(str(folder / "w" / "tagifai.duckdb"), read_only=True) as con:
            rows = con.execute(
                "select id, title, description, tags, created_on from raw.projects order by id"
            ).fetchall()
            n_rejected = con.execute("select count(*) from raw.rejected_records where reason <> ''").fetchone()[0]
    expected = sorted(
        (r["id"], r["title"], r["description"], r["tags"], r.get("created_on"))
        for r in good  # type: ignore[index]
    )
    assert rows == expected
    assert n_rejected == len(document) - len(good)


@settings(max_examples=25, deadline=None)
@given(document=json_values.filter(lambda value: not isinstance(value, list)))
def test_a_document_that_is_not_an_array_is_refused_in_one_line(document: object) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        code, _, err = _run(Path(tmp), document, ensure_ascii=True)
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and "projects.json: byte 0: expected a JSON array" in err


def test_property_tests_draw_the_same_examples_on_every_run() -> None:
    # The profile conftest.py loads unless HYPOTHESIS_PROFILE asks for another: derandomized, no database.
    if "HYPOTHESIS_PROFILE" not in os.environ:
        assert settings.default.derandomize is True
        assert settings.default.database is None
