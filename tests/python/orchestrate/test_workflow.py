"""The Dagster definitions, materialized in-process on the real data: the load, every dbt node with its
tests as asset checks, the staged publish; and a failing dbt test that publishes nothing."""

import json
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance

from oracles.lesson_reference import labeled_projects as lesson_labeled_projects
from support.loading_helpers import copy_warehouse, dump, taxonomy_with_a_repeated_alias

pytestmark = pytest.mark.dbt


@pytest.fixture(scope="module")
def workflow(real_data_dir: Path, generated_annotations: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Materialize the build job's assets once, into a fresh warehouse, as the daily run would."""
    monkeypatch = pytest.MonkeyPatch()
    warehouse = tmp_path_factory.mktemp("dagster") / "tagifai.duckdb"
    monkeypatch.setenv("TAGIFAI_DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("TAGIFAI_DATA_DIR", str(real_data_dir))
    monkeypatch.setenv("TAGIFAI_ANNOTATIONS", str(generated_annotations))
    from tagifai.orchestrate.definitions import build_job, defs

    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def(build_job.name).execute_in_process(instance=instance, raise_on_error=False)
        yield {"result": result, "warehouse": warehouse, "defs": defs, "instance": instance}
    monkeypatch.undo()


def test_the_run_succeeds_and_materializes_the_load_and_every_dbt_node(workflow: dict) -> None:
    result = workflow["result"]
    assert result.success
    materialized = {event.asset_key for event in result.get_asset_materialization_events()}
    dbt_keys = set(workflow["defs"].get_assets_def(AssetKey(["marts", "labeled_projects"])).keys)
    assert dbt_keys <= materialized
    for table in ("projects", "tags", "annotations"):
        assert AssetKey(["raw", table]) in materialized


def test_the_load_reports_its_counts(workflow: dict, real_data_dir: Path) -> None:
    events = [
        event
        for event in workflow["result"].get_asset_materialization_events()
        if event.asset_key == AssetKey(["raw", "projects"])
    ]
    metadata = events[0].materialization.metadata
    n_projects = len(json.loads((real_data_dir / "projects.json").read_text(encoding="utf-8")))
    assert metadata["records"].value == n_projects
    assert metadata["loaded"].value == n_projects
    assert metadata["rejected"].value == 0


def test_every_dbt_test_ran_as_an_asset_check_and_none_failed(workflow: dict) -> None:
    evaluations = workflow["result"].get_asset_check_evaluations()
    dbt_def = workflow["defs"].get_assets_def(AssetKey(["marts", "labeled_projects"]))
    assert {(e.asset_key, e.check_name) for e in evaluations} == {(k.asset_key, k.name) for k in dbt_def.check_keys}
    assert any(e.check_name.startswith("primary_key_labeled_projects") for e in evaluations)
    failed = [(e.asset_key.to_user_string(), e.check_name) for e in evaluations if not e.passed]
    # Warnings (severity warn) are checks that did not pass: the same ones `make build` warns about.
    errors = [
        (e.asset_key.to_user_string(), e.check_name)
        for e in evaluations
        if not e.passed and e.severity.value == "ERROR"
    ]
    assert errors == [], failed


def test_the_published_warehouse_holds_the_lessons_dataset(workflow: dict, real_data_dir: Path) -> None:
    expected, _ = lesson_labeled_projects(real_data_dir)
    with duckdb.connect(str(workflow["warehouse"]), read_only=True) as con:
        rows = con.execute("select id, tags from marts.labeled_projects order by id").fetchall()
    assert rows == [(int(row.id), list(row.tags)) for row in expected.sort_values("id").itertuples()]
    assert len(rows) == 1444
    assert len({tag for _, tags in rows for tag in tags}) == 35


def test_nothing_is_left_behind(workflow: dict) -> None:
    warehouse: Path = workflow["warehouse"]
    runs = warehouse.parent / f".{warehouse.name}.staging" / "runs"
    assert not runs.exists() or list(runs.iterdir()) == []
    from tagifai.orchestrate.dbt_project import ROOT

    run_id = workflow["result"].run_id
    assert not (ROOT / "target" / "dagster-runs" / run_id).exists()


def test_a_failing_dbt_test_publishes_nothing(
    workflow: dict, real_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An alias listed twice: the loader accepts it, a dbt source test (severity error) refuses it."""
    folder = taxonomy_with_a_repeated_alias(real_data_dir, tmp_path / "data")
    warehouse = copy_warehouse(workflow["warehouse"], tmp_path / "w")
    before = dump(warehouse)
    monkeypatch.setenv("TAGIFAI_DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("TAGIFAI_DATA_DIR", str(folder))
    monkeypatch.delenv("TAGIFAI_ANNOTATIONS", raising=False)
    defs = workflow["defs"]
    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("build").execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    assert [event.step_key for event in result.get_step_failure_events()] == ["dbt_build"]
    assert dump(warehouse) == before


def test_the_release_job_releases_the_published_dataset(
    workflow: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tagifai.dataset import load as load_release

    monkeypatch.setenv("TAGIFAI_DUCKDB_PATH", str(workflow["warehouse"]))
    monkeypatch.setenv("TAGIFAI_RELEASE_DIR", str(tmp_path / "releases"))
    # The example annotations disagree on purpose: the discrepancy gate is not what this test is about.
    monkeypatch.setenv("TAGIFAI_RELEASE_MAX_ANNOTATOR_DISCREPANCY", "1")
    with DagsterInstance.ephemeral() as instance:
        result = workflow["defs"].resolve_job_def("release").execute_in_process(instance=instance)
    assert result.success
    (event,) = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    released = load_release(metadata["version"].value, tmp_path / "releases")
    assert len(released) == metadata["rows"].value == 1444


def test_a_failing_gate_blocks_the_release_and_says_which(
    workflow: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAGIFAI_DUCKDB_PATH", str(workflow["warehouse"]))
    monkeypatch.setenv("TAGIFAI_RELEASE_DIR", str(tmp_path / "releases"))
    monkeypatch.setenv("TAGIFAI_RELEASE_MAX_ANNOTATOR_DISCREPANCY", "1")
    monkeypatch.setenv("TAGIFAI_RELEASE_MIN_TAGS_KEPT", "100")
    with DagsterInstance.ephemeral() as instance:
        result = workflow["defs"].resolve_job_def("release").execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    (failure,) = result.get_step_failure_events()
    assert "gate tags_kept failed (35 tags kept, bounds [100, 200])" in failure.event_specific_data.error.message
    assert not any((tmp_path / "releases").glob("*/manifest.json"))
