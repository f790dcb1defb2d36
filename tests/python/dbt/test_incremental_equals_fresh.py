"""Cost follows the change, and the result does not: after a 1% change (edited descriptions, new projects)
the incremental build gives, table by table, what a fresh build of the same files gives; so does a change
of the threshold, which changes the kept-tag set and so takes the full-rebuild path of the incremental
marts. Generated data (benchmarks/generate.py) at a small size."""

import json
from pathlib import Path

import duckdb
import pytest
from bench_change import differences, warehouse_fingerprints, write_changed

from generate import generate, read_shape
from support.commands import run_dbt, run_loader
from support.loading_helpers import copy_warehouse, run_build

N_PROJECTS = 3000
# Tables that must hold the projects: a comparison of empty tables would prove nothing.
MUST_HOLD_ROWS = (
    "marts.labeled_projects",
    "marts.lf_votes",
    "marts.tag_suggestions",
    "intermediate.int_labeling_functions_fired",
)


EXCLUDED = {"machine-learning", "deep-learning", "data-science", "neural-networks", "python", "r", "visualization"}


def _kept(folder: Path, min_tag_freq: int) -> set[str]:
    """The lesson's kept tags of a data folder, computed here from the files."""
    taxonomy = {t["tag"] for t in json.loads((folder / "tags.json").read_text(encoding="utf-8"))} - EXCLUDED
    counts: dict[str, int] = {}
    for project in json.loads((folder / "projects.json").read_text(encoding="utf-8")):
        for tag in project["tags"]:
            if tag in taxonomy:
                counts[tag] = counts.get(tag, 0) + 1
    return {tag for tag, n in counts.items() if n >= min_tag_freq}


def _stable_threshold(base: Path, changed: Path) -> int:
    """A threshold under which the change keeps the same kept-tag set (so the marts take the incremental
    path, not the full rebuild a tag crossing the threshold would cause)."""
    for threshold in range(30, 200):
        kept = _kept(base, threshold)
        if len(kept) > 10 and kept == _kept(changed, threshold):
            return threshold
    raise AssertionError("no threshold keeps the same tags before and after the change")


def _compiled_incrementally(db_path: Path, model: str) -> bool:
    """Whether the last build compiled `model` for the changed projects only (its bookmark filter)."""
    compiled = next((db_path.parent / "dbt_target" / "compiled").rglob(f"{model}.sql")).read_text()
    return "loaded_at > cast(" in compiled


def _build(db_path: Path, data_dir: Path, *dbt_args: str) -> str:
    args = ["--data-dir", str(data_dir)] + (["--", *dbt_args] if dbt_args else [])
    result = run_build(db_path, *args)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def folders(real_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, int]]:
    base = tmp_path_factory.mktemp("base")
    generate(real_data_dir, base, N_PROJECTS)
    changed = tmp_path_factory.mktemp("changed")
    counts = write_changed(base, changed, read_shape(real_data_dir), fraction=0.01)
    return base, changed, counts


@pytest.fixture(scope="module")
def threshold_vars(folders) -> str:
    base, changed, _ = folders
    return json.dumps({"min_tag_freq": _stable_threshold(base, changed)})


@pytest.fixture(scope="module")
def base_built(folders, threshold_vars: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built from the base files (tests copy it)."""
    base, _, _ = folders
    db_path = tmp_path_factory.mktemp("base_built") / "tagifai.duckdb"
    _build(db_path, base, "--vars", threshold_vars)
    return db_path


@pytest.fixture(scope="module")
def incremental(
    base_built: Path, folders, threshold_vars: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    """A warehouse built from the base files, then again from the changed ones."""
    _, changed, _ = folders
    db_path = copy_warehouse(base_built, tmp_path_factory.mktemp("incremental"))
    return db_path, _build(db_path, changed, "--vars", threshold_vars)


@pytest.fixture(scope="module")
def fresh(folders, threshold_vars: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    _, changed, _ = folders
    db_path = tmp_path_factory.mktemp("fresh") / "tagifai.duckdb"
    _build(db_path, changed, "--vars", threshold_vars)
    return db_path


def test_the_change_is_about_one_percent(folders, incremental) -> None:
    _, _, counts = folders
    assert counts == {"n_projects": N_PROJECTS, "n_edited": 30, "n_added": 30}
    _, output = incremental
    assert f"{N_PROJECTS + 30} loaded (30 new, 30 changed, {N_PROJECTS - 30} unchanged)" in output


def test_after_a_one_percent_change_the_incremental_build_equals_a_fresh_one(incremental, fresh) -> None:
    db_path, _ = incremental
    built, expected = warehouse_fingerprints(db_path), warehouse_fingerprints(fresh)
    assert differences(built, expected) == []
    assert all(expected[name][0] > 0 for name in MUST_HOLD_ROWS)
    # The kept tags did not change, so the incremental marts built only the changed projects.
    assert all(_compiled_incrementally(db_path, model) for model in ("labeled_projects", "lf_votes", "tag_suggestions"))
    # And the run was incremental: the unchanged projects' rows of labeled_projects' parents kept the
    # first load's loaded_at (a full rebuild would give the same rows, so this is what tells them apart).
    with duckdb.connect(str(db_path), read_only=True) as con:
        (n_loads,) = con.execute(
            "select count(distinct loaded_at) from intermediate.int_labeling_functions_fired"
        ).fetchone()
    assert n_loads == 2


def test_a_threshold_change_rebuilds_in_full_and_equals_a_fresh_build(
    incremental, folders, threshold_vars: str, tmp_path: Path
) -> None:
    _, changed, _ = folders
    db_path, _ = incremental
    raised = copy_warehouse(db_path, tmp_path / "raised")
    vars_ = json.dumps({"min_tag_freq": json.loads(threshold_vars)["min_tag_freq"] + 15})
    _build(raised, changed, "--vars", vars_)
    # A different kept-tag set: every project's labels are built again.
    assert not _compiled_incrementally(raised, "labeled_projects")
    expected = tmp_path / "expected" / "tagifai.duckdb"
    expected.parent.mkdir()
    _build(expected, changed, "--vars", vars_)
    before, after = warehouse_fingerprints(db_path), warehouse_fingerprints(raised)
    # The kept-tag set changed, and with it the labels...
    assert before["marts.labeled_projects"] != after["marts.labeled_projects"]
    assert before["marts.tag_frequencies"] != after["marts.tag_frequencies"]
    # ...and every table equals the fresh build's under the same threshold.
    assert differences(after, warehouse_fingerprints(expected)) == []


def test_a_selection_without_the_parents_after_a_load_is_caught_up_by_the_next_build(
    base_built: Path, folders, threshold_vars: str, fresh: Path, tmp_path: Path
) -> None:
    """A dbt user rebuilds a few marts right after a load, without the tables they read (int_labeling_functions_fired,
    int_project_tags_filtered): the batch of changed projects is built from parents that do not hold the load
    yet. The next full build must still bring those projects up to date, so the warehouse equals a fresh build
    (the marts once moved their bookmark past the batch, and kept the stale votes and labels for good)."""
    _, changed, _ = folders
    db_path = copy_warehouse(base_built, tmp_path / "partial")
    assert run_loader(db_path, "--data-dir", str(changed)).returncode == 0
    # `dbt run`: `dbt build` would refuse to publish this selection, as data tests see the marts disagree.
    output = run_dbt(
        db_path, "run", "--vars", threshold_vars, "--select", "labeled_projects", "lf_votes", "tag_suggestions"
    ).stdout
    assert all(f"{model} keeps its bookmark" in output for model in ("labeled_projects", "lf_votes", "tag_suggestions"))
    _build(db_path, changed, "--vars", threshold_vars)
    assert differences(warehouse_fingerprints(db_path), warehouse_fingerprints(fresh)) == []
    # The catching-up build was still incremental: it built the changed projects, not every project.
    assert all(_compiled_incrementally(db_path, model) for model in ("labeled_projects", "lf_votes", "tag_suggestions"))
