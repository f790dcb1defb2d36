"""`make build` as a user runs it: bad input gets the loader's outcome, a clean build of the shipped data
ends with no warning (and a new problem still warns), rejects describe the present, and a plain dbt
command on the published warehouse refuses in one line and reuses the build's parse."""

import json
import os
import re
import subprocess
from pathlib import Path

import duckdb
import pytest
from loading.test_loading_bad_input import FILE_FAULTS, GOOD, RECORD_FAULTS

from support.commands import BIN, REPO_ROOT
from support.loading_helpers import dump, shared_dataset, write_data


def make_build(db_path: Path, data_dir: Path, *make_args: str) -> subprocess.CompletedProcess[str]:
    """`make build` in the project, as a user runs it, on `db_path` with the data of `data_dir`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TAGIFAI_", "DBT_")) and name not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}
    }
    env.update(
        TAGIFAI_DATA_DIR=str(data_dir),
        TAGIFAI_DUCKDB_PATH=str(db_path),
        DBT_TARGET_PATH=str(db_path.parent / "dbt_target"),
        DBT_LOG_PATH=str(db_path.parent / "dbt_logs"),
    )
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(REPO_ROOT), "build", *make_args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def warnings_of(result: subprocess.CompletedProcess[str]) -> set[str]:
    """The dbt nodes that ended in WARN, from the build's log."""
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert re.search(r"Done\. PASS=\d+ WARN=\d+ ERROR=0", result.stdout), result.stdout[-2000:]
    return set(re.findall(r"WARN \d+ (\S+) \.", result.stdout))


def rows(db_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def clean_builds(real_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """`make build` of the shipped 2021-03 data, then of the 2021-05 data on the same warehouse."""
    db_path = tmp_path_factory.mktemp("make_build") / "tagifai.duckdb"
    first = make_build(db_path, real_data_dir)
    first_counts = rows(db_path, "select count(*) from marts.labeled_projects")
    second = make_build(db_path, shared_dataset("2021-05", real_data_dir))
    return {"db_path": db_path, "first": first, "first_counts": first_counts, "second": second}


def test_a_clean_build_of_2021_03_then_2021_05_ends_with_no_warning(clean_builds) -> None:
    assert warnings_of(clean_builds["first"]) == set()
    assert "WARN=0" in clean_builds["first"].stdout
    assert clean_builds["first_counts"] == [(1444,)]
    assert warnings_of(clean_builds["second"]) == set()
    assert "WARN=0" in clean_builds["second"].stdout


def test_a_plain_build_loads_only_the_users_data(clean_builds) -> None:
    db_path = clean_builds["db_path"]
    assert rows(db_path, "select count(*) from raw.annotations") == [(0,)]
    assert rows(db_path, "select count(*) from raw.example_annotations") == [(0,)]
    assert rows(db_path, "select count(*) from marts.annotator_agreement") == [(0,)]


def test_a_new_unknown_tag_and_a_new_broken_parent_still_warn(real_data_dir: Path, tmp_path: Path) -> None:
    projects = json.loads((real_data_dir / "projects.json").read_text(encoding="utf-8"))
    for project in projects[:40]:
        project["tags"] = [*project["tags"], "brand-new-topic"]
    tags = json.loads((real_data_dir / "tags.json").read_text(encoding="utf-8"))
    tags[0]["parents"] = [*tags[0]["parents"], "no-such-parent"]
    folder = write_data(tmp_path / "data", projects, tags=tags)
    db_path = tmp_path / "w" / "tagifai.duckdb"
    result = make_build(db_path, folder)
    assert warnings_of(result) == {
        "assert_no_new_unknown_tag_above_usage_threshold",
        "assert_taxonomy_parents_are_taxonomy_tags",
    }
    assert rows(db_path, "select tag from test_failures.assert_no_new_unknown_tag_above_usage_threshold") == [
        ("brand-new-topic",)
    ]
    assert rows(db_path, "select parent from test_failures.assert_taxonomy_parents_are_taxonomy_tags") == [
        ("no-such-parent",)
    ]


def _clear_of_real_ids(record: object) -> object:
    """The corpus record with an integer id moved above the real ids (a shared id would set both aside)."""
    if isinstance(record, dict) and type(record.get("id")) is int and 0 <= record["id"] < 10_000_000:
        return {**record, "id": record["id"] + 10_000_000}
    return record


def test_record_faults_through_make_build_are_set_aside_and_the_build_completes(
    real_data_dir: Path, tmp_path: Path
) -> None:
    """The classes that crashed the old pre-load step (text, missing or null id, an element that is not an
    object, a null in tags) and the rest of the loader's record corpus, inside the real data."""
    real = json.loads((real_data_dir / "projects.json").read_text(encoding="utf-8"))
    tags = json.loads((real_data_dir / "tags.json").read_text(encoding="utf-8"))
    faults = [_clear_of_real_ids(record) for record, _ in RECORD_FAULTS]
    folder = write_data(tmp_path / "bad", [*real, *faults], tags=tags)
    db_path = tmp_path / "w" / "tagifai.duckdb"
    result = make_build(db_path, folder)
    assert "Traceback" not in result.stderr
    assert warnings_of(result) == {"assert_no_current_rejected_records"}
    rejected = rows(db_path, "select source_position, reason, is_current from raw.rejected_records order by 1")
    assert [position for position, _, _ in rejected] == list(range(len(real) + 1, len(real) + len(faults) + 1))
    for (_, reason, is_current), (_, expected) in zip(rejected, RECORD_FAULTS, strict=True):
        assert expected in reason
        assert is_current
    assert rows(db_path, "select count(*) from raw.projects") == [(len(real) + 0,)]
    assert rows(db_path, "select count(*) from test_failures.assert_no_current_rejected_records") == [(len(faults),)]

    # The same broken file again: its rejects are replaced, not doubled.
    again = make_build(db_path, folder)
    assert warnings_of(again) == {"assert_no_current_rejected_records"}
    assert rows(db_path, "select count(*), count(*) filter (is_current) from raw.rejected_records") == [
        (len(faults), len(faults))
    ]

    # The fixed file: the old rejects stay as history, none is current, the warning is gone.
    fixed = make_build(db_path, real_data_dir)
    assert warnings_of(fixed) == set()
    assert rows(db_path, "select count(*), count(*) filter (is_current) from raw.rejected_records") == [
        (len(faults), 0)
    ]


def test_file_faults_through_make_build_fail_in_one_line_and_change_nothing(
    real_data_dir: Path, tmp_path: Path
) -> None:
    db_path = tmp_path / "w" / "tagifai.duckdb"
    good = make_build(db_path, write_data(tmp_path / "good", [GOOD]), "VARS={min_tag_freq: 1}")
    assert good.returncode == 0, good.stdout[-3000:]
    before = dump(db_path)
    for fault, (content, position_text) in sorted(FILE_FAULTS.items()):
        folder = write_data(tmp_path / fault, None, raw=content)
        result = make_build(db_path, folder)
        assert result.returncode != 0, fault
        errors = [line for line in result.stderr.splitlines() if not line.startswith("make")]
        assert len(errors) == 1, (fault, result.stderr)
        assert errors[0].startswith(f"tagifai-build: error: {folder / 'projects.json'}: "), fault
        assert position_text in errors[0], fault
        assert dump(db_path) == before, fault


def test_a_bad_labeling_function_is_named_and_nothing_is_built(real_data_dir: Path, tmp_path: Path) -> None:
    seed = REPO_ROOT / "seeds" / "labeling_functions.csv"
    original = seed.read_text(encoding="utf-8")
    db_path = tmp_path / "w" / "tagifai.duckdb"
    try:
        seed.write_text(original + "torch_vision_is_pytorch,pytorch,1,regex,torch(?=vision),false,lookahead\n")
        result = make_build(db_path, real_data_dir)
    finally:
        seed.write_text(original, encoding="utf-8")
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if not line.startswith("make")]
    assert len(errors) == 1, result.stderr
    assert "torch_vision_is_pytorch" in errors[0] and "torch(?=vision)" in errors[0]
    assert "invalid perl operator: (?=" in errors[0]
    assert not db_path.exists()


def test_dbt_after_make_build_reuses_its_parse_and_a_plain_dbt_build_publishes(clean_builds) -> None:
    db_path = clean_builds["db_path"]
    env = {name: value for name, value in os.environ.items() if not name.startswith(("TAGIFAI_", "DBT_"))}
    env.update(TAGIFAI_DUCKDB_PATH=str(db_path), DBT_TARGET_PATH=str(db_path.parent / "dbt_target"))
    # A read-only command works on the published file, and reuses the parse `make build` saved.
    shown = subprocess.run(
        [str(BIN / "dbt"), "show", "--select", "top_tags", "--limit", "3"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**env, "DBT_LOG_PATH": str(db_path.parent / "dbt_logs")},
        check=False,
    )
    assert shown.returncode == 0, shown.stdout[-3000:]
    assert re.search(r"\| +3 \| pytorch +\| +258 \|", shown.stdout), shown.stdout[-1000:]
    log = (db_path.parent / "dbt_logs" / "dbt.log").read_text(encoding="utf-8")
    last_run = log.rsplit("Running with dbt=", 1)[-1]
    assert "Unable to do partial parsing" not in last_run

    with duckdb.connect(str(db_path), read_only=True) as con:
        (results_before,) = con.execute("select count(*) from build_log.build_results").fetchone()
    result = subprocess.run(
        [str(BIN / "dbt"), "build"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**env, "DBT_LOG_PATH": str(db_path.parent / "dbt_logs")},
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert result.stdout.splitlines()[-1] == f"tagifai: published {db_path} (dbt build succeeded)"
    last_run = (db_path.parent / "dbt_logs" / "dbt.log").read_text(encoding="utf-8").rsplit("Running with dbt=", 1)[-1]
    assert "Unable to do partial parsing" not in last_run
    with duckdb.connect(str(db_path), read_only=True) as con:
        (results_after,) = con.execute("select count(*) from build_log.build_results").fetchone()
    assert results_after > results_before


def test_a_reader_held_open_through_make_build_vars_keeps_working(clean_builds, real_data_dir: Path) -> None:
    db_path = clean_builds["db_path"]
    reader = duckdb.connect(str(db_path), read_only=True)
    try:
        (old_tags,) = reader.execute("select count(*) from marts.tag_frequencies where is_kept").fetchone()
        result = make_build(db_path, real_data_dir, "VARS={min_tag_freq: 20}")
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
        # The open reader still reads the build it opened; a new one reads the new build.
        assert reader.execute("select count(*) from marts.tag_frequencies where is_kept").fetchone() == (old_tags,)
    finally:
        reader.close()
    (new_tags,) = rows(db_path, "select count(*) from marts.tag_frequencies where is_kept")[0]
    assert new_tags > old_tags
    assert rows(db_path, "select min(frequency) from marts.tag_frequencies where is_kept") >= [(20,)]
