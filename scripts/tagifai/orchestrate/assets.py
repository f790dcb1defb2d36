"""The workflow's assets: the source files, the load, every dbt node, the Label Studio sync and the release.

A run's load and dbt build write one staged copy of the warehouse (run_stage.py); the dbt step publishes
it only when `dbt build` succeeded, as `make build` does. So readers never see a half-built warehouse, and
a failed run publishes nothing.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    DataVersion,
    Failure,
    MaterializeResult,
    ObserveResult,
    RunsFilter,
    asset,
    multi_asset,
    observable_source_asset,
)
from dagster._core.storage.dagster_run import IN_PROGRESS_RUN_STATUSES
from dagster_dbt import DbtCliResource, dbt_assets

from tagifai import settings
from tagifai.ingest.api import LoadOptions, load_into
from tagifai.orchestrate.config import WorkflowConfig, file_sha256
from tagifai.orchestrate.dbt_project import PROJECT, ROOT, SELECTOR, TRANSLATOR, prepare_manifest, source_keys
from tagifai.warehouse.staging import (
    HELD_STAGE_ENV,
    discard_stale_run_stages,
    open_run_stage,
    publish_run_stage,
    run_stage,
)

MANIFEST = prepare_manifest()
RAW_KEYS = source_keys(MANIFEST)
SOURCE_FILES_GROUP = "source_files"


def _observe_file(name: str) -> Any:
    file_name = settings.FILE_NAMES[name]

    @observable_source_asset(
        name=f"{name}_file",
        group_name=SOURCE_FILES_GROUP,
        description=f"{file_name} in $TAGIFAI_DATA_DIR, observed by its sha256: a new hash is a new version.",
    )
    def observe() -> ObserveResult:
        config = WorkflowConfig.from_env()
        if config.data_dir is None:
            return ObserveResult(data_version=DataVersion("public-url"), metadata={"source": "public URL"})
        path = config.data_dir / file_name
        if not path.is_file():
            return ObserveResult(data_version=DataVersion("missing"), metadata={"path": str(path), "missing": True})
        return ObserveResult(
            data_version=DataVersion(file_sha256(path)),
            metadata={"path": str(path), "bytes": path.stat().st_size},
        )

    return observe


projects_file = _observe_file("projects")
tags_file = _observe_file("tags")
# What the load reads: the two files, and the Label Studio pull (when configured), which loads its export itself.
LABEL_STUDIO_EXPORT = AssetKey(["label_studio", "annotations_export"])
SOURCE_KEYS = [projects_file.key, tags_file.key, LABEL_STUDIO_EXPORT]


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set environment variables for the block (dagster-dbt passes os.environ to dbt)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _in_progress_run_ids(context: AssetExecutionContext) -> set[str]:
    return set(context.instance.get_run_ids(RunsFilter(statuses=list(IN_PROGRESS_RUN_STATUSES))))


@multi_asset(
    name="load",
    specs=[
        AssetSpec(
            key,
            group_name="raw",
            deps=[projects_file.key, tags_file.key, LABEL_STUDIO_EXPORT],
            description=f"{key.path[-1]} as loaded",
        )
        for key in RAW_KEYS
    ],
    description="tagifai's loader into this run's staged copy of the warehouse (published by the dbt step).",
)
def load(context: AssetExecutionContext) -> Iterator[MaterializeResult]:
    config = WorkflowConfig.from_env()
    removed = discard_stale_run_stages(config.warehouse, keep=_in_progress_run_ids(context))
    if removed:
        context.log.info(f"removed the staged copies of finished runs: {', '.join(removed)}")
    staged = open_run_stage(run_stage(config.warehouse, context.run.run_id))
    # The Label Studio pull of this run (an upstream step) wrote its export; it is loaded here with the
    # sources, into the same stage the dbt step builds, so readers never see events ahead of the marts.
    export = config.label_studio_export
    options = LoadOptions(
        data_dir=config.data_dir,
        annotations=config.annotations_to_load(),
        label_studio_exports=(export,) if config.label_studio_url is not None and export.is_file() else (),
    )
    reports = {report.source_name: report for report in load_into(staged, options)}
    for key in RAW_KEYS:
        report = reports.get(key.path[-1])
        metadata: dict[str, Any] = {"staged_warehouse": str(staged)}
        if report is not None:
            metadata.update(
                source=report.uri,
                records=report.n_records,
                loaded=report.n_loaded,
                new=report.n_new,
                changed=report.n_changed,
                rejected=report.n_rejected,
                removed=report.n_removed,
            )
        yield MaterializeResult(asset_key=key, metadata=metadata)


@dbt_assets(
    manifest=MANIFEST,
    project=PROJECT,
    selector=SELECTOR,
    dagster_dbt_translator=TRANSLATOR,
    name="dbt_build",
)
def dbt_build(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """`dbt build` on this run's staged copy; the copy is published only when every node succeeded."""
    config = WorkflowConfig.from_env()
    stage = run_stage(config.warehouse, context.run.run_id)
    # A run without the load step (a dbt subset) builds a fresh copy of the published warehouse.
    staged = stage.path if stage.is_open() else open_run_stage(stage)
    target = ROOT / "target" / "dagster-runs" / context.run.run_id
    target.mkdir(parents=True, exist_ok=True)
    # Reuse the parse of target/dagster: a fresh target folder would parse the whole project again.
    partial = ROOT / PROJECT.target_path / "partial_parse.msgpack"
    if partial.exists():
        shutil.copyfile(partial, target / "partial_parse.msgpack")
    try:
        # dbt finds the stage this run holds in $TAGIFAI_HELD_STAGE (tagifai.warehouse.dbt_plugin); the
        # profile stays the one plain dbt commands see, so dbt reuses their partial parse.
        with _environment(**{HELD_STAGE_ENV: str(staged)}):
            yield from dbt.cli(["build"], context=context, target_path=target).stream()
        publish_run_stage(stage)
        context.log.info(f"published {config.warehouse}")
    finally:
        # dagster-dbt writes a target folder per invocation; its artifacts are in the run's events.
        shutil.rmtree(target, ignore_errors=True)


def asset_key_of_model(name: str) -> AssetKey:
    """The asset key of a dbt model, by model name (e.g. labeled_projects)."""
    for key in dbt_build.keys:
        if key.path[-1] == name:
            return key
    raise KeyError(name)


def published_path() -> Path:
    return WorkflowConfig.from_env().warehouse


def _command(context: AssetExecutionContext, *args: str) -> subprocess.CompletedProcess[str]:
    """Run one of tagifai's commands as a user would, log its output, fail the step with its error line."""
    command = [str(Path(sys.executable).parent / args[0]), *args[1:]]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in result.stdout.splitlines():
        context.log.info(line)
    if result.returncode != 0:
        message = (result.stderr.strip().splitlines() or [f"{args[0]} exited with {result.returncode}"])[-1]
        raise Failure(description=message, metadata={"command": " ".join(args), "stderr": result.stderr[-4000:]})
    return result


LABELED_PROJECTS = AssetKey(["marts", "labeled_projects"])


@asset(
    name="dataset_release",
    group_name="release",
    deps=[LABELED_PROJECTS, AssetKey(["marts", "annotator_agreement"])],
    description="`tagifai-release release`: an immutable, gated release of marts.labeled_projects.",
)
def dataset_release(context: AssetExecutionContext) -> MaterializeResult:
    config = WorkflowConfig.from_env()
    result = _command(context, "tagifai-release", "release", "--duckdb-path", str(config.warehouse))
    from tagifai.dataset import manifest

    latest = manifest()
    return MaterializeResult(
        metadata={
            "version": latest["version"],
            "content_hash": latest["content_hash"],
            "rows": latest["row_count"],
            "output": result.stdout.strip()[-2000:],
        }
    )


def _label_studio_spec(key: str, deps: list[AssetKey], description: str) -> AssetSpec:
    return AssetSpec(
        AssetKey(["label_studio", key]), group_name="label_studio", deps=deps, description=description, skippable=True
    )


@multi_asset(
    name="label_studio_pull",
    specs=[
        _label_studio_spec(
            "annotations_export", [], "The Label Studio project's annotations, pulled to a file the load reads."
        )
    ],
)
def label_studio_pull(context: AssetExecutionContext) -> Iterator[MaterializeResult]:
    config = WorkflowConfig.from_env()
    if config.label_studio_url is None:
        # Still a materialization (with nothing pulled): the load depends on this step and runs after it.
        context.log.info("no Label Studio configured ($TAGIFAI_LABEL_STUDIO_URL is not set): nothing to pull")
        yield MaterializeResult(asset_key=LABEL_STUDIO_EXPORT, metadata={"pulled": False})
        return
    export = config.label_studio_export
    # Only the file: this run's load takes it in with the sources, and its dbt step builds on it.
    _command(
        context,
        "tagifai-annotate",
        "--duckdb-path",
        str(config.warehouse),
        "pull",
        "--output",
        str(export),
        "--export-only",
    )
    yield MaterializeResult(asset_key=AssetKey(["label_studio", "annotations_export"]), metadata={"path": str(export)})


@multi_asset(
    name="label_studio_push",
    specs=[
        _label_studio_spec(
            "tasks",
            [AssetKey(["marts", "tag_suggestions"]), AssetKey(["marts", "label_disagreements"]), LABELED_PROJECTS],
            "Tasks for new projects, tag suggestions and disagreements, pushed to Label Studio.",
        )
    ],
)
def label_studio_push(context: AssetExecutionContext) -> Iterator[MaterializeResult]:
    config = WorkflowConfig.from_env()
    if config.label_studio_url is None:
        context.log.info("no Label Studio configured ($TAGIFAI_LABEL_STUDIO_URL is not set): nothing to push")
        return
    result = _command(context, "tagifai-annotate", "--duckdb-path", str(config.warehouse), "push")
    yield MaterializeResult(asset_key=AssetKey(["label_studio", "tasks"]), metadata={"output": result.stdout[-2000:]})
