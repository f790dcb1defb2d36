"""Each sensor ticked on real files and warehouses (the real data, a stored Label Studio export loaded by
tagifai-load): it fires or skips as designed and says why, against expectations read from the files
themselves; the daily schedule evaluates to one run of the build job."""

import copy
import json
import os
import shutil
import subprocess
import traceback
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, build_schedule_context, build_sensor_context

from support.commands import BIN, REPO_ROOT, run_dbt, run_loader
from support.loading_helpers import copy_warehouse
from support.sensors import tick

pytestmark = pytest.mark.dbt


@pytest.fixture(scope="module")
def defs():  # noqa: ANN201
    from tagifai.orchestrate.definitions import defs

    return defs


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
    first = tick(defs, "source_files_changed")
    assert len(first.run_requests) == 1
    assert first.run_requests[0].tags["tagifai/changed"] == "projects,tags"
    again = tick(defs, "source_files_changed", cursor=first.cursor)
    assert again.run_requests == []
    assert "source files unchanged" in again.skip_message
    projects = json.loads((folder / "projects.json").read_text(encoding="utf-8"))
    projects[0]["title"] += " (edited)"
    (folder / "projects.json").write_text(json.dumps(projects), encoding="utf-8")
    changed = tick(defs, "source_files_changed", cursor=first.cursor)
    assert len(changed.run_requests) == 1
    assert changed.run_requests[0].tags["tagifai/changed"] == "projects"
    assert changed.run_requests[0].run_key != first.run_requests[0].run_key


def test_without_a_data_folder_the_file_sensor_says_why_it_skips(defs, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TAGIFAI_DATA_DIR", raising=False)
    result = tick(defs, "source_files_changed")
    assert result.run_requests == []
    assert "public URLs" in result.skip_message


EXPORT = Path(__file__).parents[1] / "labelstudio" / "fixtures" / "export_json.json"


def _project_ids(data_dir: Path) -> set[int]:
    return {project["id"] for project in json.loads((data_dir / "projects.json").read_text(encoding="utf-8"))}


def _latest_in_export(tasks: list[dict]) -> dict[tuple[str, int], dict]:
    """(annotator, project) -> that annotator's latest annotation, read straight from a Label Studio export."""
    latest: dict[tuple[str, int], dict] = {}
    for task in tasks:
        for annotation in task["annotations"]:
            key = (str(annotation["completed_by"]), task["data"]["project_id"])
            updated = datetime.fromisoformat(annotation["updated_at"].replace("Z", "+00:00"))
            if key not in latest or updated > latest[key]["_updated"]:
                latest[key] = {**annotation, "_updated": updated}
    return latest


def _decided_in_export(tasks: list[dict]) -> set[int]:
    """Projects some annotator decided on (their latest annotation not cancelled, i.e. not a skip)."""
    return {project for (_, project), annotation in _latest_in_export(tasks).items() if not annotation["was_cancelled"]}


def _disputed_tags(tasks: list[dict]) -> set[str]:
    """Tags that the annotators of one project chose differently, from their latest decisions."""
    chosen: dict[int, list[set[str]]] = {}
    for (_, project), annotation in _latest_in_export(tasks).items():
        if not annotation["was_cancelled"]:
            tags = {choice for result in annotation["result"] for choice in result["value"]["choices"]}
            chosen.setdefault(project, []).append(tags)
    disputed: set[str] = set()
    for sets in chosen.values():
        if len(sets) >= 2:
            disputed |= set.union(*sets) - set.intersection(*sets)
    return disputed


def _annotate(tasks: list[dict], user: int, project_id: int, choices: list[str], when: str) -> list[dict]:
    """The export after `user` annotates `project_id` with `choices` at `when` (a later Label Studio export)."""
    tasks = copy.deepcopy(tasks)
    template = next(annotation for task in tasks for annotation in task["annotations"] if annotation["result"])
    task = next((task for task in tasks if task["data"]["project_id"] == project_id), None)
    if task is None:
        task = {**copy.deepcopy(tasks[0]), "id": max(t["id"] for t in tasks) + 1, "annotations": []}
        task["data"] = {**task["data"], "project_id": project_id}
    else:
        tasks.remove(task)
    annotation = copy.deepcopy(template)
    annotation.update(
        id=1000 + len(tasks) + len(task["annotations"]),
        completed_by=user,
        was_cancelled=False,
        created_at=when,
        updated_at=when,
        task=task["id"],
    )
    annotation["result"] = [{**annotation["result"][0], "value": {"choices": choices}}]
    task["annotations"] = [*task["annotations"], annotation]
    return [*tasks, task]


def _load_export(warehouse: Path, tasks: list[dict], folder: Path) -> None:
    path = folder / f"export_{len(list(folder.glob('export_*.json')))}.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    result = run_loader(warehouse, "--annotations", str(path), "--only", "annotations")
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def label_studio_warehouse(
    real_warehouse: Path, generated_annotations: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The real data with the stored Label Studio export as its only real annotations (no tags file), and the
    generated annotations loaded as examples, which must then take no part; built with dbt."""
    warehouse = copy_warehouse(real_warehouse, tmp_path_factory.mktemp("label_studio_warehouse"))
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from raw.annotations")
    result = run_loader(warehouse, "--example-annotations", str(generated_annotations), "--only", "example_annotations")
    assert result.returncode == 0, result.stderr
    _load_export(warehouse, json.loads(EXPORT.read_text(encoding="utf-8")), warehouse.parent)
    run_dbt(warehouse, "build")
    return warehouse


def test_ready_to_annotate_needs_a_server_and_enough_waiting_projects(
    defs, real_warehouse: Path, real_data_dir: Path, generated_annotations: Path, tmp_path: Path, monkeypatch
) -> None:
    warehouse = copy_warehouse(real_warehouse, tmp_path / "w")
    monkeypatch.setenv("TAGIFAI_DUCKDB_PATH", str(warehouse))
    monkeypatch.delenv("TAGIFAI_LABEL_STUDIO_URL", raising=False)
    assert "no Label Studio configured" in tick(defs, "ready_to_annotate").skip_message
    # New projects nobody has annotated yet: the annotations of the 40 highest ids are taken away.
    newest = sorted(_project_ids(real_data_dir))[-40:]
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from raw.annotations where project_id in (select unnest(?::bigint[]))", [newest])
    # Expected from the files: every project, less those the annotations file labels (the 40 taken away).
    labeled = {row["project_id"] for row in json.loads(generated_annotations.read_text(encoding="utf-8"))}
    awaiting = len(_project_ids(real_data_dir) - (labeled - set(newest)))
    monkeypatch.setenv("TAGIFAI_LABEL_STUDIO_URL", "http://127.0.0.1:8080")
    monkeypatch.setenv("TAGIFAI_ANNOTATE_MIN_PROJECTS", str(awaiting + 1))
    skipped = tick(defs, "ready_to_annotate")
    assert skipped.run_requests == []
    assert f"{awaiting} projects await annotation, fewer than {awaiting + 1}" in skipped.skip_message
    monkeypatch.setenv("TAGIFAI_ANNOTATE_MIN_PROJECTS", str(awaiting))
    fired = tick(defs, "ready_to_annotate")
    assert [request.tags["tagifai/awaiting"] for request in fired.run_requests] == [str(awaiting)]


def test_ready_to_annotate_counts_label_studio_decisions_and_leaves_examples_out(
    defs, label_studio_warehouse: Path, real_data_dir: Path, monkeypatch
) -> None:
    monkeypatch.setenv("TAGIFAI_DUCKDB_PATH", str(label_studio_warehouse))
    monkeypatch.setenv("TAGIFAI_LABEL_STUDIO_URL", "http://127.0.0.1:8080")
    tasks = json.loads(EXPORT.read_text(encoding="utf-8"))
    # Every project less those an annotator decided on in Label Studio (a skip is no decision); the examples,
    # loaded beside them, decide nothing while real annotations exist.
    awaiting = len(_project_ids(real_data_dir) - _decided_in_export(tasks))
    monkeypatch.setenv("TAGIFAI_ANNOTATE_MIN_PROJECTS", str(awaiting + 1))
    assert f"{awaiting} projects await annotation" in tick(defs, "ready_to_annotate").skip_message
    monkeypatch.setenv("TAGIFAI_ANNOTATE_MIN_PROJECTS", str(awaiting))
    fired = tick(defs, "ready_to_annotate")
    assert [request.tags["tagifai/awaiting"] for request in fired.run_requests] == [str(awaiting)]


def test_the_annotate_run_key_changes_when_the_waiting_projects_change(
    defs, label_studio_warehouse: Path, real_data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    warehouse = copy_warehouse(label_studio_warehouse, tmp_path / "w")
    monkeypatch.setenv("TAGIFAI_DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("TAGIFAI_LABEL_STUDIO_URL", "http://127.0.0.1:8080")
    monkeypatch.setenv("TAGIFAI_ANNOTATE_MIN_PROJECTS", "1")
    tasks = json.loads(EXPORT.read_text(encoding="utf-8"))
    first, again = tick(defs, "ready_to_annotate"), tick(defs, "ready_to_annotate")
    assert first.run_requests[0].run_key == again.run_requests[0].run_key
    # An annotator decides one more project in Label Studio, and a new project arrives: as many projects
    # wait as before, but not the same ones.
    waiting = sorted(_project_ids(real_data_dir) - _decided_in_export(tasks))
    later = _annotate(tasks, 3, waiting[0], ["pytorch"], "2026-12-07T10:00:00.000000Z")
    _load_export(warehouse, later, tmp_path)
    projects = json.loads((real_data_dir / "projects.json").read_text(encoding="utf-8"))
    newcomer = {**projects[0], "id": max(_project_ids(real_data_dir)) + 1, "title": "A project that just arrived"}
    (tmp_path / "projects.json").write_text(json.dumps([*projects, newcomer]), encoding="utf-8")
    assert run_loader(warehouse, "--projects", str(tmp_path / "projects.json"), "--only", "projects").returncode == 0
    changed = tick(defs, "ready_to_annotate").run_requests[0]
    assert changed.tags["tagifai/awaiting"] == str(len(waiting))
    assert changed.run_key != first.run_requests[0].run_key


def test_ready_for_modeling_sees_label_studio_annotations_and_releases_once_they_agree(
    defs, label_studio_warehouse: Path, tmp_path: Path, monkeypatch
) -> None:
    warehouse = copy_warehouse(label_studio_warehouse, tmp_path / "w")
    monkeypatch.setenv("TAGIFAI_DUCKDB_PATH", str(warehouse))
    tasks = json.loads(EXPORT.read_text(encoding="utf-8"))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        kept = {tag for (tag,) in con.execute("select tag from marts.tag_frequencies where is_kept").fetchall()}
    disputed = _disputed_tags(tasks) & kept
    assert disputed, "the stored export has a disagreement on a kept tag"
    blocked = tick(defs, "ready_for_modeling")
    assert blocked.run_requests == []
    assert "no annotations loaded yet" not in blocked.skip_message
    named = blocked.skip_message.split("max_discrepancy_rate on ")[1].split(" in the ")[0].split(", ")
    assert set(named) - {"all tags"} == disputed
    # The disagreement settled in Label Studio: the first annotator now chooses what the second chose.
    decisions = {key: a for key, a in _latest_in_export(tasks).items() if not a["was_cancelled"]}
    (project,) = {p for (_, p) in decisions if sum(1 for (_, q) in decisions if q == p) > 1}
    agreed = [choice for result in decisions[("3", project)]["result"] for choice in result["value"]["choices"]]
    settled = _annotate(tasks, 2, project, agreed, "2026-12-07T11:00:00.000000Z")
    assert not _disputed_tags(settled) & kept
    _load_export(warehouse, settled, tmp_path)
    run_dbt(warehouse, "build")
    fired = tick(defs, "ready_for_modeling", cursor=blocked.cursor)
    assert len(fired.run_requests) == 1
    assert fired.cursor != blocked.cursor
    again = tick(defs, "ready_for_modeling", cursor=fired.cursor)
    assert again.run_requests == []
    assert "no new annotations" in again.skip_message


def test_ready_for_modeling_skips_without_a_warehouse(defs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAGIFAI_DUCKDB_PATH", str(tmp_path / "none" / "tagifai.duckdb"))
    assert "no published warehouse yet" in tick(defs, "ready_for_modeling").skip_message


def test_the_sensors_skip_on_a_loaded_but_unbuilt_warehouse(
    defs, real_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = tmp_path / "w" / "tagifai.duckdb"
    assert run_loader(warehouse, "--data-dir", str(real_data_dir)).returncode == 0
    monkeypatch.setenv("TAGIFAI_DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("TAGIFAI_LABEL_STUDIO_URL", "http://127.0.0.1:8080")
    for name in ("ready_for_modeling", "ready_to_annotate"):
        assert "is not built yet" in tick(defs, name).skip_message


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


def _age(warehouse: Path, ages_in_days: dict[tuple[str, str], float]) -> None:
    """Set each (table, column) of raw to `days` before now, as if its data had last arrived then."""
    with duckdb.connect(str(warehouse)) as con:
        for (table, column), days in ages_in_days.items():
            con.execute(f"update raw.{table} set {column} = now() - to_seconds(?::double)", [days * 86400])


def _dbt_source_freshness(warehouse: Path, out: Path) -> tuple[int, dict[str, str]]:
    """`dbt source freshness` as a user types it in the repository (only its output folders moved aside)."""
    env = {**os.environ, "TAGIFAI_DUCKDB_PATH": str(warehouse)}
    env.pop("TAGIFAI_DUCKDB_ACCESS_MODE", None)
    result = subprocess.run(
        [str(BIN / "dbt"), "source", "freshness", "--target-path", str(out), "--log-path", str(out / "logs")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    results = json.loads((out / "sources.json").read_text())["results"]
    return result.returncode, {r["unique_id"].removeprefix("source.tagifai."): r["status"] for r in results}


def test_dbt_source_freshness_and_the_sensor_give_the_same_answer(
    defs, real_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = copy_warehouse(real_warehouse, tmp_path / "w")
    monkeypatch.setenv("TAGIFAI_DUCKDB_PATH", str(warehouse))
    # Ages against the rules documented in the sources YAML (docs/loading.md): projects warn after 7 days and
    # error after 30; tags and load_log warn after 2 and error after 7; annotations only warn, after 14, and
    # an empty table (no Label Studio event here) counts as never loaded.
    _age(
        warehouse,
        {("projects", "_loaded_at"): 10, ("tags", "_loaded_at"): 1, ("load_log", "loaded_at"): 8}
        | {("annotations", "_loaded_at"): 20},
    )
    expected = {
        "madewithml.projects": "warn",
        "madewithml.tags": "pass",
        "madewithml.load_log": "error",
        "annotations.annotations": "warn",
        "annotations.annotation_events": "warn",
    }
    code, statuses = _dbt_source_freshness(warehouse, tmp_path / "dbt_error")
    assert (code, statuses) == (1, expected)
    with pytest.raises(Exception) as failed:  # noqa: PT011 - Dagster wraps the sensor's error
        tick(defs, "sources_fresh")
    message = "".join(traceback.format_exception(failed.value))
    assert "madewithml.load_log error: last loaded 8 days ago (warn after 2 days, error after 7 days" in message
    # The loader ran three days ago: a warning, not an error, for both.
    _age(warehouse, {("load_log", "loaded_at"): 3})
    expected["madewithml.load_log"] = "warn"
    code, statuses = _dbt_source_freshness(warehouse, tmp_path / "dbt_warn")
    assert (code, statuses) == (0, expected)
    skipped = tick(defs, "sources_fresh")
    assert skipped.run_requests == []
    assert skipped.skip_message.startswith("sources warn: ")
    said = dict(
        part.split(":")[0].rsplit(" ", 1) for part in skipped.skip_message.removeprefix("sources warn: ").split(" | ")
    )
    assert said == expected


def test_a_manifest_without_freshness_rules_is_named_in_the_skip_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tagifai.orchestrate.sensors import sources_fresh_sensor

    manifest = tmp_path / "manifest.json"
    source = {"source_name": "madewithml", "name": "projects", "loaded_at_field": None, "freshness": None}
    manifest.write_text(json.dumps({"sources": {"source.tagifai.madewithml.projects": source}}))
    warehouse = tmp_path / "tagifai.duckdb"
    duckdb.connect(str(warehouse)).close()
    monkeypatch.setenv("TAGIFAI_DUCKDB_PATH", str(warehouse))
    with DagsterInstance.ephemeral() as instance:
        result = sources_fresh_sensor(manifest).evaluate_tick(build_sensor_context(instance=instance))
    assert f"no source has a freshness rule in {manifest}" in result.skip_message
