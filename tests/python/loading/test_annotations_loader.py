"""Annotations load from CSV or JSON under the same rules as projects: bad records are set aside with a
reason, a key (annotator, project_id, tag) repeated in a file sets every copy aside, a re-load upserts by
that key; the generator is reproducible and its knobs do what they say."""

import csv
import json
from pathlib import Path

import duckdb
import pytest

from support.commands import run_generator, run_loader

GOOD = {"annotator": "alice", "project_id": 1, "tag": "pytorch", "labeled_at": "2021-03-15 10:00:00"}
RECORDS = [
    GOOD,
    {**GOOD, "tag": "tensorflow"},
    {**GOOD, "project_id": "abc"},
    {**GOOD, "tag": None},
    {k: v for k, v in GOOD.items() if k != "annotator"},
    {**GOOD, "tag": "keras", "labeled_at": "2021-02-30 10:00:00"},
    {**GOOD, "annotator": "bob"},
    {**GOOD, "annotator": "bob"},
]


def _write(path: Path, records: list[dict]) -> Path:
    if path.suffix == ".json":
        path.write_text(json.dumps(records))
    else:
        with path.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(GOOD))
            writer.writeheader()
            for record in records:
                writer.writerow({k: record.get(k) for k in GOOD})
    return path


def _load(db_path: Path, path: Path) -> str:
    result = run_loader(db_path, "--only", "annotations", "--annotations", str(path))
    assert result.returncode == 0, result.stderr
    return result.stdout


def _rows(db_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_bad_annotations_are_set_aside_with_reasons(tmp_path: Path, suffix: str) -> None:
    db_path = tmp_path / "w.duckdb"
    stdout = _load(db_path, _write(tmp_path / f"a{suffix}", RECORDS))
    assert "8 records -> raw.annotations: 2 loaded" in stdout and "6 rejected" in stdout
    loaded = _rows(db_path, "select annotator, project_id, tag, labeled_at from raw.annotations order by tag")
    assert loaded == [("alice", 1, "pytorch", "2021-03-15 10:00:00"), ("alice", 1, "tensorflow", "2021-03-15 10:00:00")]
    reasons = dict(_rows(db_path, "select source_position, reason from raw.rejected_records"))
    assert "project_id is not an integer" in reasons[3]
    assert reasons[4] == "tag is null"
    # CSV cannot tell a missing value from an empty one: both read as null.
    assert reasons[5] in ("annotator is missing", "annotator is null")
    assert "labeled_at 2021-02-30 10:00:00 is not a date-time" in reasons[6]
    assert "appears 2 times" in reasons[7] and "appears 2 times" in reasons[8]


def test_csv_and_json_land_the_same_rows(tmp_path: Path) -> None:
    records = [GOOD, {**GOOD, "annotator": "bob", "tag": 'say "hi", twice'}]
    tables = []
    for suffix in (".json", ".csv"):
        db_path = tmp_path / f"w{suffix}.duckdb"
        _load(db_path, _write(tmp_path / f"a{suffix}", records))
        tables.append(_rows(db_path, "select annotator, project_id, tag, labeled_at from raw.annotations order by all"))
    assert tables[0] == tables[1] and len(tables[0]) == 2


def test_reload_upserts_by_annotator_project_and_tag(tmp_path: Path) -> None:
    db_path = tmp_path / "w.duckdb"
    _load(db_path, _write(tmp_path / "a.json", [GOOD, {**GOOD, "tag": "keras"}]))
    stdout = _load(db_path, _write(tmp_path / "b.json", [{**GOOD, "labeled_at": "2021-03-16 10:00:00"}]))
    assert "1 loaded (0 new, 1 changed, 0 unchanged)" in stdout
    assert _rows(db_path, "select tag, labeled_at from raw.annotations order by tag") == [
        ("keras", "2021-03-15 10:00:00"),
        ("pytorch", "2021-03-16 10:00:00"),
    ]


def test_only_annotations_without_a_file_says_what_to_add(tmp_path: Path) -> None:
    result = run_loader(tmp_path / "w.duckdb", "--only", "annotations")
    assert result.returncode == 1
    assert "--annotations PATH" in result.stderr and "Traceback" not in result.stderr


def test_a_load_without_annotations_still_creates_the_table(tmp_path: Path, real_data_dir: Path) -> None:
    db_path = tmp_path / "w.duckdb"
    assert run_loader(db_path, "--data-dir", str(real_data_dir)).returncode == 0
    assert _rows(db_path, "select count(*) from raw.annotations") == [(0,)]


def _generate(tmp_path: Path, real_data_dir: Path, name: str, *args: str) -> list[dict]:
    path = tmp_path / name
    result = run_generator(path, "--data-dir", str(real_data_dir), *args)
    assert result.returncode == 0, result.stderr
    return json.loads(path.read_text())


def test_generator_is_reproducible_and_follows_its_settings(tmp_path: Path, real_data_dir: Path) -> None:
    first = _generate(tmp_path, real_data_dir, "a.json", "--seed", "3")
    assert first == _generate(tmp_path, real_data_dir, "b.json", "--seed", "3")
    assert first != _generate(tmp_path, real_data_dir, "c.json", "--seed", "4")
    exact = _generate(tmp_path, real_data_dir, "d.json", "--annotator", "x=0", "--annotator", "y=0", "--overlap", "0.5")
    projects = {p["id"]: set(p["tags"]) for p in json.loads((real_data_dir / "projects.json").read_text())}
    by_annotator_project: dict[tuple[str, int], set[str]] = {}
    for r in exact:
        by_annotator_project.setdefault((r["annotator"], r["project_id"]), set()).add(r["tag"])
    assert all(tags == projects[pid] for (_, pid), tags in by_annotator_project.items())  # error rate 0: truth
    shared = {pid for (a, pid) in by_annotator_project if a == "x"} & {
        pid for (a, pid) in by_annotator_project if a == "y"
    }
    assert len(shared) == round(0.5 * len(projects))


def test_generator_refuses_a_bad_annotator_setting(tmp_path: Path) -> None:
    result = run_generator(tmp_path / "a.json", "--annotator", "x=1.5")
    assert result.returncode == 2 and "NAME=RATE" in result.stderr


@pytest.mark.parametrize(
    "content", [b"", b'annotator,project_id,tag,labeled_at\nalice,1,"unterminated,2021-03-15 10:00:00\n']
)
def test_a_broken_csv_is_refused_in_one_line_and_changes_nothing(tmp_path: Path, content: bytes) -> None:
    db_path = tmp_path / "w.duckdb"
    _load(db_path, _write(tmp_path / "good.csv", [GOOD]))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    result = run_loader(db_path, "--only", "annotations", "--annotations", str(bad))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0], result.stderr
    assert _rows(db_path, "select annotator, tag from raw.annotations") == [("alice", "pytorch")]


def test_a_csv_without_a_column_rejects_every_record_naming_it(tmp_path: Path) -> None:
    db_path = tmp_path / "w.duckdb"
    path = tmp_path / "a.csv"
    path.write_text("annotator,project_id,tag\nalice,1,pytorch\n")
    stdout = _load(db_path, path)
    assert "0 loaded" in stdout and "1 rejected" in stdout
    assert _rows(db_path, "select reason from raw.rejected_records") == [("labeled_at is missing",)]
