"""Growth: the 2021-05 file split by created_on and loaded batch by batch (incremental dbt builds) gives
the same tables as one load of the whole file; `dbt build --full-refresh` gives the same tables as the
incremental runs; a complete file (--replace) deletes the projects it no longer holds, everywhere, and
the snapshot closes their history; loading the same file twice changes nothing; editing a labeling
function makes the next build evaluate every project again."""

import json
from pathlib import Path

import duckdb
import pytest

from support.commands import run_dbt, run_loader
from support.loading_helpers import copy_warehouse, dump, run_build, shared_dataset

# Where and when a row was loaded differs between a batched and a single load, and so do dbt's
# snapshot bookkeeping columns and the classifier fit's load time (int_tag_model_fits.fitted_through);
# everything else must be equal. A model fit on the same inputs need not pickle to the same bytes
# (model_pickle): its fit_version and every prediction it made are compared.
PROVENANCE = (
    "computed_at",
    "inputs_version",  # label_issue_candidates, label_quality: includes label_model's newest load time
    "fitted_through",
    "model_pickle",
    "_load_id",
    "_loaded_at",
    "_source_uri",
    "_source_position",
    "load_id",
    "loaded_at",
    "source_uri",
    "source_position",
    "dbt_scd_id",
    "dbt_updated_at",
    "dbt_valid_from",
)
MODEL_SCHEMAS = ("raw.projects", "raw.tags", "raw.rejected_records", "staging.", "intermediate.", "marts.", "seeds.")
# One row per build by design: a batched load makes more builds than one load of the whole file.
BUILD_RECORDS = ("marts.build_history", "marts.build_parameters", "staging.stg_build_log__model_parameters")
BATCH_ENDS = ["2020-05-01", "2020-07-01", "9999-12-31"]


def _models(tables: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    return {name: rows for name, rows in tables.items() if name.startswith(MODEL_SCHEMAS) and name not in BUILD_RECORDS}


@pytest.fixture(scope="module")
def newer_dir(real_data_dir: Path) -> Path:
    return shared_dataset("2021-05", real_data_dir)


@pytest.fixture(scope="module")
def batches(newer_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The 2021-05 projects split by created_on into consecutive batches, each with the taxonomy."""
    projects = json.loads((newer_dir / "projects.json").read_text(encoding="utf-8"))
    folders, start = [], ""
    for end in BATCH_ENDS:
        folder = tmp_path_factory.mktemp(f"batch-{end}")
        batch = [p for p in projects if start <= p["created_on"] < end]
        (folder / "projects.json").write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
        (folder / "tags.json").write_bytes((newer_dir / "tags.json").read_bytes())
        folders.append(folder)
        start = end
    return folders


@pytest.fixture(scope="module")
def batched(batches: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    db_path = tmp_path_factory.mktemp("batched") / "tagifai.duckdb"
    for folder in batches:
        result = run_build(db_path, "--data-dir", str(folder))
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    return db_path


@pytest.fixture(scope="module")
def single(newer_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db_path = tmp_path_factory.mktemp("single") / "tagifai.duckdb"
    result = run_build(db_path, "--data-dir", str(newer_dir))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    return db_path


def test_batches_are_consecutive_and_cover_the_file(batches: list[Path]) -> None:
    sizes = [len(json.loads((folder / "projects.json").read_text())) for folder in batches]
    assert all(size > 100 for size in sizes) and sum(sizes) == 2032


def test_loading_in_batches_equals_one_load_of_the_whole_file(batched: Path, single: Path) -> None:
    assert _models(dump(batched, PROVENANCE)) == _models(dump(single, PROVENANCE))
    with duckdb.connect(str(batched), read_only=True) as con:
        new_per_load = con.execute(
            "select n_new from raw.load_log where source_name = 'projects' order by loaded_at"
        ).fetchall()
        assert con.execute("select count(*) from marts.labeled_projects").fetchone()[0] > 1000
    assert len(new_per_load) == len(BATCH_ENDS) and sum(n for (n,) in new_per_load) == 2032


def test_the_unnest_ran_incrementally(batched: Path) -> None:
    with duckdb.connect(str(batched), read_only=True) as con:
        # Each batch's rows were written by its own run and kept by the later ones.
        assert con.execute(
            "select count(distinct loaded_at) from intermediate.int_project_tags_unnested"
        ).fetchone() == (len(BATCH_ENDS),)


def test_the_labeling_functions_ran_incrementally(batched: Path) -> None:
    with duckdb.connect(str(batched), read_only=True) as con:
        # Each batch's projects were evaluated by its own run (one functions_version throughout).
        assert con.execute(
            "select count(distinct loaded_at), count(distinct functions_version) "
            "from intermediate.int_labeling_functions_fired"
        ).fetchone() == (len(BATCH_ENDS), 1)


def _edit_pytorch_function(db_path: Path) -> None:
    """Edit the seed in the warehouse, as `dbt seed` would after a change of labeling_functions.csv."""
    with duckdb.connect(str(db_path)) as con:
        con.execute("update seeds.labeling_functions set pattern = 'tensorflow' where lf_name = 'pytorch_is_pytorch'")


def _fired(db_path: Path, lf_name: str) -> set[int]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(
            "select project_id from intermediate.int_labeling_functions_fired where lf_name = ?", [lf_name]
        ).fetchall()
    return {project_id for (project_id,) in rows}


def test_editing_a_labeling_function_evaluates_every_project_again(single: Path, tmp_path: Path) -> None:
    edited = copy_warehouse(single, tmp_path / "edited")
    before = _fired(edited, "pytorch_is_pytorch")
    _edit_pytorch_function(edited)
    run_dbt(edited, "run", "--select", "int_labeling_functions_fired", "lf_votes")
    # The edited function now fires exactly where the tensorflow keyword does, on every project.
    after = _fired(edited, "pytorch_is_pytorch")
    assert after == _fired(edited, "tensorflow_is_tensorflow") and after != before and len(after) > 50
    with duckdb.connect(str(edited), read_only=True) as con:
        assert con.execute(
            "select count(distinct functions_version) from intermediate.int_labeling_functions_fired"
        ).fetchone() == (1,)
    # And the incremental run gives what a full refresh with the same edit gives.
    refreshed = copy_warehouse(single, tmp_path / "refreshed")
    _edit_pytorch_function(refreshed)
    run_dbt(refreshed, "run", "--select", "int_labeling_functions_fired", "lf_votes", "--full-refresh")
    assert _models(dump(edited)) == _models(dump(refreshed))


@pytest.fixture(scope="module")
def replaced(batched: Path, newer_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    """The batched warehouse after a complete file (--replace) that lacks two projects and changes one
    (its tags and its description)."""
    projects = json.loads((newer_dir / "projects.json").read_text(encoding="utf-8"))
    gone = [projects[0]["id"], projects[1]["id"]]
    projects[2]["tags"] = ["pytorch"]
    projects[2]["description"] += " Built with PyTorch."
    folder = tmp_path_factory.mktemp("complete")
    (folder / "projects.json").write_text(json.dumps(projects[2:], ensure_ascii=False), encoding="utf-8")
    (folder / "tags.json").write_bytes((newer_dir / "tags.json").read_bytes())
    db_path = copy_warehouse(batched, tmp_path_factory.mktemp("replaced"))
    result = run_build(db_path, "--replace", "--data-dir", str(folder))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    assert "2030 loaded (0 new, 1 changed, 2029 unchanged), 2 removed" in result.stdout + result.stderr
    return db_path, gone


def test_a_complete_file_deletes_missing_projects_everywhere_and_the_snapshot_closes_them(
    replaced: tuple[Path, list[int]],
) -> None:
    db_path, gone = replaced
    with duckdb.connect(str(db_path), read_only=True) as con:
        for table, column in [
            ("raw.projects", "id"),
            ("staging.stg_madewithml__projects", "project_id"),
            ("intermediate.int_project_tags_unnested", "project_id"),
            ("intermediate.int_labeling_functions_fired", "project_id"),
            ("marts.labeled_projects", "id"),
            # One row per (project, kept tag): their hooks count rows before deleting (project_tag_rows.sql).
            ("marts.tag_model_predictions", "project_id"),
            ("marts.label_model", "project_id"),
        ]:
            assert con.execute(f"select count(*) from {table} where {column} in ?", [gone]).fetchone() == (0,)
        history = con.execute(
            "select project_id, dbt_valid_to is not null from snapshots.project_history where project_id in ? "
            "order by project_id",
            [gone],
        ).fetchall()
        assert history == [(project_id, True) for project_id in sorted(gone)]


def test_a_changed_text_is_evaluated_again(replaced: tuple[Path, list[int]], batched: Path) -> None:
    db_path, _ = replaced
    changed_id = 3  # the third project of the 2021-05 file, whose description now names PyTorch
    sql = "select lf_name from intermediate.int_labeling_functions_fired where project_id = ? order by 1"
    with duckdb.connect(str(batched), read_only=True) as con:
        before = [name for (name,) in con.execute(sql, [changed_id]).fetchall()]
    with duckdb.connect(str(db_path), read_only=True) as con:
        after = [name for (name,) in con.execute(sql, [changed_id]).fetchall()]
    assert "pytorch_is_pytorch" not in before and after == sorted([*before, "pytorch_is_pytorch"])


def test_full_refresh_gives_the_same_tables_as_the_incremental_runs(
    replaced: tuple[Path, list[int]], tmp_path: Path
) -> None:
    db_path, _ = replaced
    refreshed = copy_warehouse(db_path, tmp_path / "refreshed")
    run_dbt(refreshed, "build", "--full-refresh")
    # computed_at: when the learned tables were computed, a build time (their inputs_version is compared).
    ignored = ("model_pickle", "computed_at")
    assert _models(dump(refreshed, ignored)) == _models(dump(db_path, ignored))


def test_loading_the_same_file_twice_changes_nothing_but_the_log(single: Path, newer_dir: Path, tmp_path: Path) -> None:
    db_path = copy_warehouse(single, tmp_path / "again")
    before = dump(db_path)
    result = run_loader(db_path, "--data-dir", str(newer_dir))
    assert result.returncode == 0, result.stderr
    assert "2032 loaded (0 new, 0 changed, 2032 unchanged)" in result.stdout + result.stderr
    after = dump(db_path)
    assert len(after.pop("raw.load_log")) == len(before.pop("raw.load_log")) + 2
    assert after == before
