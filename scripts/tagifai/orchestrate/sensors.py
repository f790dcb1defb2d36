"""When to run: a daily schedule, new source files, projects awaiting annotation, annotations back, stale sources.

Each sensor reads the published warehouse read-only (never the staged copies) and says in its log, and in
its skip reason, why it did or did not start a run. The annotation sensors read
intermediate.int_annotation_events_latest, the model every annotation mart is built on: the tags file's
annotations, the Label Studio events, and the example annotations only while no real one is loaded.
"""

import hashlib
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
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from tagifai.errors import TagifaiError
from tagifai.orchestrate.config import WorkflowConfig, source_hashes
from tagifai.orchestrate.freshness import SourceFreshness, check_freshness, freshness_rules

# A job from define_asset_job, resolved when the Definitions load.
Job = JobDefinition | UnresolvedAssetJobDefinition

# A project awaits annotation while no annotator has decided on it (intermediate.int_projects_decided, the
# one rule; the `new` queue of tagifai-annotate push reads it too).
AWAITING_SQL = """
select projects.project_id
from staging.stg_madewithml__projects as projects
where projects.project_id not in (select project_id from intermediate.int_projects_decided)
order by projects.project_id
"""
# The annotations as built: one row per (annotator, project), the latest event. Any new or later event, from
# any source, changes the digest.
ANNOTATIONS_SQL = """
select
    count(*),
    max(labeled_at)::varchar,
    md5(coalesce(string_agg(
        concat_ws('|', annotator, project_id, labeled_at, status, origin), chr(10) order by annotator, project_id
    ), ''))
from intermediate.int_annotation_events_latest
"""


class WarehouseNotReady(Exception):
    """The published warehouse is missing, or has no built models yet: a sensor skips, saying so."""


@dataclass(frozen=True)
class WarehouseState:
    """What the sensors read from the published warehouse."""

    awaiting_annotation: list[int]
    annotation_events: int
    latest_annotation_at: str | None
    annotations_digest: str
    tags_above_max_discrepancy: list[str]

    @property
    def awaiting_key(self) -> str:
        """Names the set of projects awaiting annotation: it changes whenever that set changes."""
        ids = ",".join(str(project_id) for project_id in self.awaiting_annotation)
        return hashlib.sha256(ids.encode()).hexdigest()[:16]


def _require(warehouse: Path) -> None:
    if not warehouse.exists():
        raise WarehouseNotReady(f"{warehouse}: no published warehouse yet")


def read_state(warehouse: Path) -> WarehouseState:
    """The published warehouse's state (WarehouseNotReady when it is missing or not built)."""
    _require(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        try:
            awaiting = [project_id for (project_id,) in con.execute(AWAITING_SQL).fetchall()]
            events, latest, digest = con.execute(ANNOTATIONS_SQL).fetchone()
            above = [
                row[0]
                for row in con.execute(
                    "select distinct tag from marts.annotator_agreement where is_above_max_discrepancy order by tag"
                ).fetchall()
            ]
        except duckdb.CatalogException as exc:
            raise WarehouseNotReady(
                f"{warehouse} is not built yet ({str(exc).splitlines()[0]}): the build job, or make build, builds it"
            ) from None
    return WarehouseState(awaiting, events, latest, digest, above)


def read_freshness(warehouse: Path, manifest: Path) -> list[SourceFreshness]:
    """Each source's freshness by the rules of the sources YAML (via `manifest`); WarehouseNotReady without one."""
    _require(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        try:
            return check_freshness(con, freshness_rules(manifest))
        except duckdb.CatalogException as exc:
            raise WarehouseNotReady(f"{warehouse} has not been loaded yet ({str(exc).splitlines()[0]})") from None


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
        try:
            state = read_state(config.warehouse)
        except WarehouseNotReady as exc:
            return SkipReason(str(exc))
        awaiting = len(state.awaiting_annotation)
        if awaiting < config.annotate_min_projects:
            reason = (
                f"{awaiting} projects await annotation, fewer than "
                f"{config.annotate_min_projects} ($TAGIFAI_ANNOTATE_MIN_PROJECTS)"
            )
            context.log.info(reason)
            return SkipReason(reason)
        context.log.info(f"{awaiting} projects await annotation: pushing tasks")
        # One push per set of waiting projects: a new project, or one decided, makes a new run key.
        return RunRequest(
            run_key=f"annotate-{state.awaiting_key}",
            tags={"tagifai/awaiting": str(awaiting), "tagifai/awaiting_key": state.awaiting_key},
        )

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
        try:
            state = read_state(config.warehouse)
        except WarehouseNotReady as exc:
            return SkipReason(str(exc))
        if state.annotation_events == 0:
            return SkipReason("no annotations loaded yet (tags file, Label Studio events or examples)")
        considered = (
            f"the {state.annotation_events} latest annotation events (newest {state.latest_annotation_at}, "
            f"digest {state.annotations_digest[:12]})"
        )
        if context.cursor == state.annotations_digest:
            return SkipReason(f"no new annotations: {considered} were already considered")
        if state.tags_above_max_discrepancy:
            reason = (
                "annotators disagree above max_discrepancy_rate on "
                + ", ".join(state.tags_above_max_discrepancy)
                + f" in {considered}: the labeling criteria need work before a release"
            )
            context.log.info(reason)
            return SensorResult(skip_reason=SkipReason(reason), cursor=state.annotations_digest)
        context.log.info(f"{considered} agree within bounds: releasing")
        return SensorResult(
            run_requests=[RunRequest(run_key=f"release-{state.annotations_digest[:16]}")],
            cursor=state.annotations_digest,
        )

    return ready_for_modeling


def sources_fresh_sensor(manifest: Path) -> SensorDefinition:
    @sensor(
        name="sources_fresh",
        minimum_interval_seconds=3600,
        default_status=DefaultSensorStatus.RUNNING,
        description="Says, as `dbt source freshness` does, when each source last got data: by the "
        "warn_after / error_after of models/staging/*/_*__sources.yml. A source past error_after fails the tick.",
    )
    def sources_fresh(context: SensorEvaluationContext) -> SkipReason:
        config = WorkflowConfig.from_env()
        try:
            results = read_freshness(config.warehouse, manifest)
        except WarehouseNotReady as exc:
            return SkipReason(str(exc))
        if not results:
            return SkipReason(
                f"no source has a freshness rule in {manifest}: the sources YAML declares them, so this manifest "
                "predates them; delete it and reload the definitions (they parse the project again)"
            )
        worst = max((result.status for result in results), key=("pass", "warn", "error").index, default="pass")
        lines = [result.describe() for result in results]
        summary = " | ".join(lines)
        for result, line in zip(results, lines, strict=True):
            if result.status == "error":
                context.log.error(line)
            elif result.status == "warn":
                context.log.warning(line)
        if worst == "error":
            stale = " | ".join(line for result, line in zip(results, lines, strict=True) if result.status == "error")
            raise TagifaiError(
                f"stale sources (dbt source freshness says error): {stale}. Load new data (make build), or "
                "change the rule in the sources YAML"
            )
        return SkipReason(f"sources {worst}: {summary}")

    return sources_fresh
