"""When to run: a daily schedule, new source files, projects awaiting annotation, annotations back.

Each sensor reads the published warehouse read-only (never the staged copies) and says in its log, and in
its skip reason, why it did or did not start a run.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
from dagster import (
    DefaultScheduleStatus,
    DefaultSensorStatus,
    JobDefinition,
    RunRequest,
    ScheduleDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from tagifai.orchestrate.config import WorkflowConfig, source_hashes

# A job from define_asset_job, resolved when the Definitions load.
Job = JobDefinition | UnresolvedAssetJobDefinition


@dataclass(frozen=True)
class WarehouseState:
    """What the sensors read from the published warehouse."""

    awaiting_annotation: int
    annotations_loaded_at: str | None
    tags_above_max_discrepancy: list[str]


def read_state(warehouse: Path) -> WarehouseState | None:
    """The published warehouse's state, or None when there is none yet."""
    if not warehouse.exists():
        return None
    with duckdb.connect(str(warehouse), read_only=True) as con:
        awaiting = con.execute(
            """
            select count(*)
            from staging.stg_madewithml__projects as projects
            where not exists (
                select 1 from staging.stg_annotations__labels as labels where labels.project_id = projects.project_id
            )
            """
        ).fetchone()[0]
        loaded_at = con.execute("select max(_loaded_at)::varchar from raw.annotations").fetchone()[0]
        above = [
            row[0]
            for row in con.execute(
                "select distinct tag from marts.annotator_agreement where is_above_max_discrepancy order by tag"
            ).fetchall()
        ]
    return WarehouseState(awaiting, loaded_at, above)


def build_schedule(job: Job, config: WorkflowConfig) -> ScheduleDefinition:
    """Load, build and release every day (cron $TAGIFAI_SCHEDULE_CRON, default 03:00 UTC)."""
    return ScheduleDefinition(
        name="daily_build",
        job=job,
        cron_schedule=config.schedule,
        execution_timezone="UTC",
        default_status=DefaultScheduleStatus.RUNNING,
        description="Load the source files, build, and cut a release when the gates pass.",
    )


def source_files_sensor(job: Job) -> object:
    @sensor(
        name="source_files_changed",
        job=job,
        minimum_interval_seconds=60,
        default_status=DefaultSensorStatus.RUNNING,
        description="Starts a load and build when the sha256 of projects.json, tags.json or the annotations changes.",
    )
    def source_files_changed(context: SensorEvaluationContext) -> SensorResult | SkipReason:
        config = WorkflowConfig.from_env()
        hashes = source_hashes(config)
        if not hashes:
            return SkipReason("no $TAGIFAI_DATA_DIR: the build reads the public URLs, which the daily schedule covers")
        previous = json.loads(context.cursor) if context.cursor else {}
        changed = sorted(name for name, digest in hashes.items() if previous.get(name) != digest)
        cursor = json.dumps(hashes, sort_keys=True)
        if not changed:
            reason = "source files unchanged: " + ", ".join(f"{n} {d[:12]}" for n, d in sorted(hashes.items()))
            context.log.info(reason)
            return SkipReason(reason)
        context.log.info(f"changed since the last tick: {', '.join(changed)}")
        run_key = "-".join(hashes[name][:16] for name in sorted(hashes))
        return SensorResult(
            run_requests=[RunRequest(run_key=run_key, tags={"tagifai/changed": ",".join(changed)})], cursor=cursor
        )

    return source_files_changed


def ready_to_annotate_sensor(job: Job) -> object:
    @sensor(
        name="ready_to_annotate",
        job=job,
        minimum_interval_seconds=300,
        default_status=DefaultSensorStatus.RUNNING,
        description="Pushes tasks to Label Studio once $TAGIFAI_ANNOTATE_MIN_PROJECTS projects await annotation.",
    )
    def ready_to_annotate(context: SensorEvaluationContext) -> RunRequest | SkipReason:
        config = WorkflowConfig.from_env()
        if config.label_studio_url is None:
            return SkipReason("no Label Studio configured ($TAGIFAI_LABEL_STUDIO_URL is not set)")
        state = read_state(config.warehouse)
        if state is None:
            return SkipReason(f"{config.warehouse}: no published warehouse yet")
        if state.awaiting_annotation < config.annotate_min_projects:
            reason = (
                f"{state.awaiting_annotation} projects await annotation, fewer than "
                f"{config.annotate_min_projects} ($TAGIFAI_ANNOTATE_MIN_PROJECTS)"
            )
            context.log.info(reason)
            return SkipReason(reason)
        context.log.info(f"{state.awaiting_annotation} projects await annotation: pushing tasks")
        return RunRequest(run_key=f"annotate-{state.awaiting_annotation}-{state.annotations_loaded_at}")

    return ready_to_annotate


def ready_for_modeling_sensor(job: Job) -> object:
    @sensor(
        name="ready_for_modeling",
        job=job,
        minimum_interval_seconds=300,
        default_status=DefaultSensorStatus.RUNNING,
        description="Cuts a release when new annotations were built in and every tag's discrepancy is within bounds.",
    )
    def ready_for_modeling(context: SensorEvaluationContext) -> SensorResult | SkipReason:
        config = WorkflowConfig.from_env()
        state = read_state(config.warehouse)
        if state is None:
            return SkipReason(f"{config.warehouse}: no published warehouse yet")
        if state.annotations_loaded_at is None:
            return SkipReason("no annotations loaded yet")
        if context.cursor == state.annotations_loaded_at:
            return SkipReason(f"no annotations since {state.annotations_loaded_at}, which were already considered")
        if state.tags_above_max_discrepancy:
            reason = (
                "annotators disagree above max_discrepancy_rate on "
                + ", ".join(state.tags_above_max_discrepancy)
                + ": the labeling criteria need work before a release"
            )
            context.log.info(reason)
            return SensorResult(skip_reason=SkipReason(reason), cursor=state.annotations_loaded_at)
        context.log.info(f"annotations loaded at {state.annotations_loaded_at} agree within bounds: releasing")
        return SensorResult(
            run_requests=[RunRequest(run_key=f"release-{state.annotations_loaded_at}")],
            cursor=state.annotations_loaded_at,
        )

    return ready_for_modeling
