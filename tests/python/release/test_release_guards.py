"""What a release must refuse or record, each against an expectation computed here: every gate's bound at
equality on both sides, a flag over its environment variable, every column under the content hash, other
rows under an existing version, and the files each release was built from."""

import argparse
import hashlib
import json
import math
import shutil
from pathlib import Path

import duckdb
import pytest
from release.helpers import independent_content_hash, release

from oracles.lesson_reference import labeled_projects
from support.commands import run_dbt, run_loader
from tagifai.dataset import load, manifest, versions
from tagifai.release import gates
from tagifai.release.store import DATA_FILE, ReleaseError

# The bounds of test_gate_bounds_*: each gate's metric is put exactly on, then just past, each bound.
LIMITS = {
    "min_labeled_share": 0.5,
    "max_labeled_share": 0.9,
    "min_tags_kept": 10.0,
    "max_tags_kept": 200.0,
    "max_annotator_discrepancy": 0.05,
}
# (gate, metric, bound name, a value just past the bound)
BOUNDS = [
    ("labeled_share", "labeled_share", "min_labeled_share", math.nextafter(0.5, 0)),
    ("labeled_share", "labeled_share", "max_labeled_share", math.nextafter(0.9, 1)),
    ("tags_kept", "n_tags_kept", "min_tags_kept", 9),
    ("tags_kept", "n_tags_kept", "max_tags_kept", 201),
    ("annotator_discrepancy", "annotator_discrepancy", "max_annotator_discrepancy", math.nextafter(0.05, 1)),
]


def _metrics(**changed: float | None) -> dict:
    """Metrics that pass LIMITS with room on every side, with `changed` put in."""
    return {
        "n_projects": 100,
        "n_labeled_projects": 70,
        "labeled_share": 0.7,
        "n_tags_kept": 35,
        "annotator_discrepancy": 0.01,
        **changed,
    }


def _passed(metrics: dict, limits: dict = LIMITS) -> dict[str, bool]:
    return {result.name: result.passed for result in gates.evaluate([], metrics, limits)}


@pytest.mark.parametrize(("gate", "metric", "bound", "past"), BOUNDS, ids=[b[2] for b in BOUNDS])
def test_gate_bounds_are_inclusive_and_the_next_value_fails(gate: str, metric: str, bound: str, past: float) -> None:
    on_the_bound = LIMITS[bound] if metric != "n_tags_kept" else int(LIMITS[bound])
    assert _passed(_metrics(**{metric: on_the_bound})) == dict.fromkeys(_passed(_metrics()), True)
    failed = _passed(_metrics(**{metric: past}))
    assert [name for name, passed in failed.items() if not passed] == [gate]


def test_the_discrepancy_gate_passes_when_nothing_is_measured_and_a_build_error_always_fails() -> None:
    assert _passed(_metrics(annotator_discrepancy=None))["annotator_discrepancy"]
    errors = [{"node": "some_test", "status": "fail", "failures": 1, "message": ""}]
    results = {result.name: result.passed for result in gates.evaluate(errors, _metrics(), LIMITS)}
    assert results == {
        "no_error_test_failed": False,
        "labeled_share": True,
        "tags_kept": True,
        "annotator_discrepancy": True,
    }


@pytest.mark.parametrize("name", list(gates.DEFAULTS))
def test_a_flag_beats_its_environment_variable_which_beats_the_default(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    parser = argparse.ArgumentParser()
    gates.add_arguments(parser)
    flag = "--" + name.replace("_", "-")
    default = gates.DEFAULTS[name][0]
    monkeypatch.delenv(gates.env_name(name), raising=False)
    assert gates.bounds(parser.parse_args([]))[name] == default
    monkeypatch.setenv(gates.env_name(name), "7.5")
    assert gates.bounds(parser.parse_args([]))[name] == 7.5
    assert gates.bounds(parser.parse_args([flag, "3.25"]))[name] == 3.25
    assert gates.bounds(parser.parse_args([flag, "0"]))[name] == 0.0  # a flag of 0 is a value, not "unset"


@pytest.fixture(scope="module")
def oracle_2021_03(real_data_dir: Path) -> dict:
    """What the gates measure on the real warehouse, from the lesson's algorithm and the JSON file."""
    df, counts = labeled_projects(real_data_dir)
    n_projects = len(json.loads((real_data_dir / "projects.json").read_text(encoding="utf-8")))
    return {"share": len(df) / n_projects, "n_tags": len(counts)}


def test_every_bound_holds_at_equality_through_the_command_line(
    real_warehouse: Path, oracle_2021_03: dict, tmp_path: Path
) -> None:
    share, n_tags = repr(oracle_2021_03["share"]), str(oracle_2021_03["n_tags"])
    assert (n_tags, share) == ("35", repr(1444 / 2032))
    result = release(
        real_warehouse,
        tmp_path / "releases",
        *("--min-labeled-share", share, "--max-labeled-share", share),
        *("--min-tags-kept", n_tags, "--max-tags-kept", n_tags),
        "--max-annotator-discrepancy",
        "1",
    )
    assert result.returncode == 0, result.stderr
    assert versions(tmp_path / "releases") == [f"v-{manifest(None, tmp_path / 'releases')['content_hash'][:12]}"]


@pytest.mark.parametrize(
    ("flag", "value", "gate"),
    [
        ("--min-labeled-share", lambda o: repr(math.nextafter(o["share"], 1)), "labeled_share"),
        ("--max-labeled-share", lambda o: repr(math.nextafter(o["share"], 0)), "labeled_share"),
        ("--min-tags-kept", lambda o: str(o["n_tags"] + 1), "tags_kept"),
        ("--max-tags-kept", lambda o: str(o["n_tags"] - 1), "tags_kept"),
    ],
    ids=["min-labeled-share", "max-labeled-share", "min-tags-kept", "max-tags-kept"],
)
def test_every_bound_one_step_past_the_data_refuses_the_release(
    real_warehouse: Path, oracle_2021_03: dict, tmp_path: Path, flag: str, value, gate: str
) -> None:
    root = tmp_path / "releases"
    result = release(real_warehouse, root, flag, value(oracle_2021_03), "--max-annotator-discrepancy", "1")
    assert result.returncode == 1
    assert result.stderr.count("gate ") == 1 and f"gate {gate} failed" in result.stderr, result.stderr
    assert versions(root) == [] and not any(root.glob("*/"))


def test_the_flag_wins_over_the_environment_through_the_command_line(
    real_warehouse: Path, oracle_2021_03: dict, tmp_path: Path
) -> None:
    n_tags = oracle_2021_03["n_tags"]
    env = {gates.env_name("min_tags_kept"): str(n_tags + 1), gates.env_name("max_annotator_discrepancy"): "1"}
    refused = release(real_warehouse, tmp_path / "env", env=env)
    assert refused.returncode == 1 and "gate tags_kept failed" in refused.stderr
    allowed = release(real_warehouse, tmp_path / "flag", "--min-tags-kept", str(n_tags), env=env)
    assert allowed.returncode == 0, allowed.stderr
    env[gates.env_name("min_tags_kept")] = str(n_tags)
    overruled = release(real_warehouse, tmp_path / "flag-refuses", "--min-tags-kept", str(n_tags + 1), env=env)
    assert overruled.returncode == 1 and "gate tags_kept failed" in overruled.stderr


@pytest.mark.parametrize("version", ["2021-03", "2021-05"])
def test_the_content_hash_is_the_documented_hash_of_the_rows(releases_dir: Path, version: str) -> None:
    digest, n_rows = independent_content_hash(releases_dir / version / DATA_FILE)
    meta = json.loads((releases_dir / version / "manifest.json").read_text(encoding="utf-8"))
    assert (meta["content_hash"], meta["row_count"]) == (digest, n_rows)


# One cell of project 445 changed per column, the rest of the file as released.
TAMPERED = {
    "id": "case when id = 445 then 1000445 else id end as id",
    "title": "case when id = 445 then title || '.' else title end as title",
    "description": "case when id = 445 then description || '.' else description end as description",
    "text": "case when id = 445 then text || '.' else text end as text",
    "tags": "case when id = 445 then list_reverse(tags) || ['pytorch'] else tags end as tags",
    "created_on": "case when id = 445 then created_on + interval 1 second else created_on end as created_on",
}


@pytest.mark.parametrize("column", list(TAMPERED))
def test_a_change_to_any_one_column_is_refused_by_load(releases_dir: Path, tmp_path: Path, column: str) -> None:
    root = tmp_path / "copy"
    shutil.copytree(releases_dir / "2021-05", root / "2021-05")
    data = root / "2021-05" / DATA_FILE
    before, _ = independent_content_hash(data)
    select = ", ".join(TAMPERED[name] if name == column else name for name in TAMPERED)
    with duckdb.connect() as con:
        con.read_parquet(str(data)).create_view("r")
        con.sql(f"select {select} from r order by id").write_parquet(str(tmp_path / "t.parquet"))
    shutil.copyfile(tmp_path / "t.parquet", data)
    assert independent_content_hash(data)[0] != before  # the file really changed in that column
    # The file's own sha256 updated in the manifest: only the rows' content hash can tell.
    meta_path = root / "2021-05" / "manifest.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["files"][DATA_FILE]["sha256"] = hashlib.sha256(data.read_bytes()).hexdigest()
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ReleaseError, match="content hash"):
        load("2021-05", root)


def _files(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


def test_other_rows_under_an_existing_version_are_refused_and_nothing_is_overwritten(
    real_warehouse: Path, warehouse_threshold_20: Path, real_data_dir: Path, tmp_path: Path
) -> None:
    root = tmp_path / "releases"
    assert release(real_warehouse, root, "--version", "v1").returncode == 0
    before = _files(root / "v1")
    result = release(warehouse_threshold_20, root, "--version", "v1")
    assert result.returncode == 1
    assert "release v1 already exists with other content" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _files(root / "v1") == before and versions(root) == ["v1"]
    assert sorted(p.name for p in root.iterdir()) == [".lock", "v1"]
    expected, _ = labeled_projects(real_data_dir)
    assert sorted(load("v1", root).id) == sorted(int(i) for i in expected.id)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_manifest_names_the_files_the_build_read_even_unchanged_ones(
    real_data_dir: Path, data_2021_05: Path, tmp_path: Path
) -> None:
    """2021-03 loaded, then 2021-05 (its tags.json unchanged, so no tag row is rewritten): the release names
    the 2021-05 files, in folders of their own here so the paths differ."""
    march = shutil.copytree(real_data_dir, tmp_path / "march" / "data")
    may = shutil.copytree(data_2021_05, tmp_path / "may" / "data")
    assert (march / "tags.json").read_bytes() == (may / "tags.json").read_bytes()
    db_path = tmp_path / "w" / "tagifai.duckdb"
    for folder in (march, may):
        loaded = run_loader(db_path, "--data-dir", str(folder))
        assert loaded.returncode == 0, loaded.stderr
    assert "400 loaded (0 new, 0 changed, 400 unchanged)" in loaded.stdout
    run_dbt(db_path, "build", "--selector", "labeled_dataset")
    root = tmp_path / "releases"
    result = release(db_path, root, "--version", "2021-05")
    assert result.returncode == 0, result.stderr
    inputs = manifest("2021-05", root)["inputs"]
    assert [(item["source"], item["uri"], item["sha256"], item["latest_load"]) for item in inputs] == [
        (name, str(may / f"{name}.json"), _sha256(may / f"{name}.json"), True) for name in ("projects", "tags")
    ]
    # Every project changed (created_on appeared), no tag did: the rows each load wrote, as the loader said.
    assert [(item["n_records"], item["n_rows_written"]) for item in inputs] == [(2032, 2032), (400, 0)]


def test_an_upsert_of_part_of_the_projects_names_both_project_files(data_2021_05: Path, tmp_path: Path) -> None:
    """A complete load, then a partial file of projects on top (upsert): the rows come from both files."""
    full = shutil.copytree(data_2021_05, tmp_path / "full")
    projects = json.loads((full / "projects.json").read_text(encoding="utf-8"))
    part = tmp_path / "part"
    part.mkdir()
    changed = [{**project, "title": project["title"] + " (v2)"} for project in projects[:10]]
    (part / "projects.json").write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    db_path = tmp_path / "w" / "tagifai.duckdb"
    assert run_loader(db_path, "--data-dir", str(full), "--replace").returncode == 0
    loaded = run_loader(db_path, "--projects", str(part / "projects.json"), "--only", "projects")
    assert loaded.returncode == 0, loaded.stderr
    run_dbt(db_path, "build", "--selector", "labeled_dataset")
    root = tmp_path / "releases"
    assert release(db_path, root, "--version", "v").returncode == 0
    inputs = manifest("v", root)["inputs"]
    assert [(i["source"], i["uri"], i["n_records"], i["n_rows_written"], i["latest_load"]) for i in inputs] == [
        ("projects", str(full / "projects.json"), 2032, 2022, False),
        ("projects", str(part / "projects.json"), 10, 10, True),
        ("tags", str(full / "tags.json"), 400, 400, True),
    ]
