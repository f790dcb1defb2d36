"""Each sensor ticked on simulated files and warehouses: it fires or skips as designed and says why;
the daily schedule evaluates to one run of the build job."""

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, build_schedule_context, build_sensor_context

from support.loading_helpers import copy_warehouse

pytestmark = pytest.mark.dbt


@pytest.fixture(scope="module")
def defs():  # noqa: ANN201
    from tagifai.orchestrate.definitions import defs

    return defs


def _tick(defs, name: str, cursor: str | None = None):  # noqa: ANN001, ANN202
    sensor = defs.resolve_sensor_def(name)
    with DagsterInstance.ephemeral() as instance:
        context = build_sensor_context(instance=instance, cursor=cursor, definitions=defs)
        return sensor.evaluate_tick(context)


def _data(folder: Path, real_data_dir: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("projects.json", "tags.json"):
        shutil.copyfile(real_data_dir / name, folder / name)
    return folder


def test_new_source_files_start_a_build_and_unchanged_ones_do_not(
    defs, real_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _data(tmp_path / "data", real_data_dir)
    monkeypatch.setenv("TAGIFAI_DATA_DIR", str(folder))
    monkeypatch.delenv("TAGIFAI_ANNOTATIONS", raising=False)
    first = _tick(defs, "source_files_changed")
    assert len(first.run_requests) == 1
    assert first.run_requests[0].tags["tagifai/changed"] == "projects,tags"
    again = _tick(defs, "source_files_changed", cursor=first.cursor)
    assert again.run_requests == []
    assert "source files unchanged" in again.skip_message
    projects = json.loads((folder / "projects.json").read_text(encoding="utf-8"))
    projects[0]["title"] += " (edited)"
    (folder / "projects.json").write_text(json.dumps(projects), encoding="utf-8")
    changed = _tick(defs, "source_files_changed", cursor=first.cursor)
    assert len(changed.run_requests) == 1
    assert changed.run_requests[0].tags["tagifai/changed"] == "projects"
    assert changed.run_requests[0].run_key != first.run_requests[0].run_key


def test_without_a_data_folder_the_file_sensor_says_why_it_skips(defs, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TAGIFAI_DATA_DIR", raising=False)
    result = _tick(defs, "source_files_changed")
    assert result.run_requests == []
    assert "public URLs" in result.skip_message


def test_ready_to_annotate_needs_a_server_and_enough_waiting_projects(
    defs, real_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = copy_warehouse(real_warehouse, tmp_path / "w")
    monkeypatch.setenv("TAGIFAI_DUCKDB_PATH", str(warehouse))
    monkeypatch.delenv("TAGIFAI_LABEL_STUDIO_URL", raising=False)
    assert "no Label Studio configured" in _tick(defs, "ready_to_annotate").skip_message
    # New projects nobody has annotated yet: the annotations of the newest 40 projects are taken away.
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "delete from raw.annotations where project_id in (select id from raw.projects order by id desc limit 40)"
        )
        (awaiting,) = con.execute(
            "select count(*) from raw.projects where id not in (select project_id from raw.annotations)"
        ).fetchone()
    assert awaiting >= 40
    monkeypatch.setenv("TAGIFAI_LABEL_STUDIO_URL", "http://127.0.0.1:8080")
    monkeypatch.setenv("TAGIFAI_ANNOTATE_MIN_PROJECTS", str(awaiting + 1))
    skipped = _tick(defs, "ready_to_annotate")
    assert skipped.run_requests == []
    assert f"{awaiting} projects await annotation, fewer than {awaiting + 1}" in skipped.skip_message
    monkeypatch.setenv("TAGIFAI_ANNOTATE_MIN_PROJECTS", str(awaiting))
    fired = _tick(defs, "ready_to_annotate")
    assert len(fired.run_requests) == 1


def test_ready_for_modeling_waits_for_new_annotations_that_agree(
    defs, real_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = copy_warehouse(real_warehouse, tmp_path / "w")
    monkeypatch.setenv("TAGIFAI_DUCKDB_PATH", str(warehouse))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        above = [
            r[0]
            for r in con.execute(
                "select distinct tag from marts.annotator_agreement where is_above_max_discrepancy order by tag"
            ).fetchall()
        ]
        (loaded_at,) = con.execute("select max(_loaded_at)::varchar from raw.annotations").fetchone()
    if above:
        blocked = _tick(defs, "ready_for_modeling")
        assert blocked.run_requests == []
        assert ", ".join(above) in blocked.skip_message
        with duckdb.connect(str(warehouse)) as con:
            con.execute("update marts.annotator_agreement set is_above_max_discrepancy = false")
    fired = _tick(defs, "ready_for_modeling")
    assert len(fired.run_requests) == 1
    assert fired.cursor == loaded_at
    again = _tick(defs, "ready_for_modeling", cursor=fired.cursor)
    assert again.run_requests == []
    assert f"no annotations since {loaded_at}" in again.skip_message


def test_ready_for_modeling_skips_without_a_warehouse(defs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAGIFAI_DUCKDB_PATH", str(tmp_path / "none" / "tagifai.duckdb"))
    assert "no published warehouse yet" in _tick(defs, "ready_for_modeling").skip_message


def test_the_daily_schedule_runs_the_build(defs) -> None:
    schedule = defs.resolve_schedule_def("daily_build")
    assert schedule.cron_schedule == "0 3 * * *"
    with DagsterInstance.ephemeral() as instance:
        context = build_schedule_context(
            instance=instance, scheduled_execution_time=datetime(2026, 12, 7, 3, tzinfo=UTC)
        )
        result = schedule.evaluate_tick(context)
    assert len(result.run_requests) == 1
    assert schedule.job_name == "daily"
