"""Label Studio exports (JSON and JSON_MIN) as annotation events in raw.annotation_events.

An annotation event is one annotator's decision on one project: `labeled` (one or more tags),
`no_tag` (seen, no tag applies: an annotation with zero choices) or `skipped` (cancelled). The tags file
(raw.annotations) can only say the first; agreement needs the second, and must leave the third out.

Rules (docs/labeling.md): the annotator is the user's email when the export or the users API gives it,
else the user id as text; `labeled_at` is the annotation's `updated_at`; drafts and predictions are
ignored; when a user annotated a task more than once, the latest annotation wins. A task or annotation
that cannot be read, names a project that is not in raw.projects, or gives a choice outside the allowed
ones goes to raw.rejected_records with a reason (one row per export element, reasons joined).

The key of raw.annotation_events is (annotator, project_id, labeled_at): loading the same export again
changes nothing, and a newer annotation of the same task adds an event that supersedes the older one
(the staging and intermediate models take each annotator's latest event per project).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from tagifai.errors import InputFileError, RejectedRecordsError
from tagifai.ingest.load import RAW_DDL, LoadReport

SOURCE_NAME = "annotation_events"
FORMAT_NAME = "label-studio"
STATUSES = ("labeled", "no_tag", "skipped")
# The Choices control's name in the generated project config (tagifai.annotate.config).
CHOICES_NAME = "tags"

EVENTS_DDL = f"""
create table if not exists raw.{SOURCE_NAME} (
    annotator varchar,
    project_id bigint,
    status varchar,
    tags varchar[],
    labeled_at timestamp,
    queue varchar,
    task_id bigint,
    annotation_id bigint,
    _source_uri varchar,
    _source_position bigint,
    _load_id varchar,
    _loaded_at timestamp with time zone
)
"""


@dataclass(frozen=True)
class Event:
    """One annotation event, as raw.annotation_events holds it."""

    annotator: str
    project_id: int
    status: str
    tags: tuple[str, ...]
    labeled_at: datetime
    queue: str | None
    task_id: int | None
    annotation_id: int | None
    position: int  # the export element it came from, from 1

    @property
    def key(self) -> tuple[str, int, datetime]:
        return (self.annotator, self.project_id, self.labeled_at)


@dataclass
class Parsed:
    """What an export holds: good events and rejected elements (position -> (element JSON, reasons))."""

    events: list[Event] = field(default_factory=list)
    rejects: dict[int, tuple[str, list[str]]] = field(default_factory=dict)
    n_elements: int = 0
    n_superseded: int = 0  # older annotations of a user on a task, replaced by a later one
    n_drafts: int = 0

    def reject(self, position: int, element: object, reason: str) -> None:
        record, reasons = self.rejects.setdefault(position, (json.dumps(element, default=str), []))
        reasons.append(reason)


def looks_like_export(path: Path) -> bool:
    """True when the JSON file's first element has the shape of a Label Studio export: a task with
    `annotations` (JSON) or an annotation row with `annotation_id` (JSON_MIN)."""
    if path.suffix.lower() != ".json":
        return False
    with path.open("rb") as handle:
        head = handle.read(4 * 1024 * 1024).decode("utf-8", errors="replace")
    start = head.find("{")
    if not head.lstrip().startswith("[") or start < 0:
        return False
    try:
        first, _ = json.JSONDecoder().raw_decode(head, start)
    except json.JSONDecodeError:
        return False
    return isinstance(first, dict) and ("annotations" in first or "annotation_id" in first)


def parse_timestamp(value: object) -> datetime | None:
    """Label Studio's ISO 8601 time (`...Z` or with an offset) as naive UTC; None when it is not one."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _annotator(value: object, users: dict[int, str]) -> str | None:
    """The annotator's email: from the users map, an embedded user object, or the value itself."""
    if isinstance(value, dict):
        email = value.get("email")
        if isinstance(email, str) and email.strip():
            return email.strip()
        value = value.get("id")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return users.get(value, str(value))
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _project_id(data: object) -> tuple[int | None, str | None]:
    if not isinstance(data, dict):
        return None, "data is missing or not an object"
    value = data.get("project_id")
    if value is None:
        return None, "data.project_id is missing"
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None, f"data.project_id is not an integer (found {json.dumps(value)[:40]})"
    try:
        return int(value), None
    except ValueError:
        return None, f"data.project_id is not an integer (found {json.dumps(value)[:40]})"


def _queue(data: dict[str, Any]) -> str | None:
    queue = data.get("queue")
    return queue if isinstance(queue, str) and queue else None


def _choices_from_result(result: object) -> tuple[list[str] | None, str | None]:
    """The choices of a JSON annotation's `result` list (every choices region counts)."""
    if not isinstance(result, list):
        return None, "result is not a list"
    chosen: list[str] = []
    for region in result:
        if not isinstance(region, dict):
            return None, "result holds an item that is not an object"
        if region.get("type") != "choices":
            continue
        value = region.get("value")
        choices = value.get("choices") if isinstance(value, dict) else None
        if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
            return None, "result value.choices is not a list of strings"
        chosen.extend(choices)
    return chosen, None


def _choices_from_min(value: object) -> tuple[list[str] | None, str | None]:
    """JSON_MIN writes one choice as a string, several as {"choices": [...]}, none as no field."""
    if value is None:
        return [], None
    if isinstance(value, str):
        return [value], None
    if isinstance(value, dict) and isinstance(value.get("choices"), list):
        choices = value["choices"]
        if all(isinstance(c, str) for c in choices):
            return list(choices), None
    return None, f'{CHOICES_NAME} is neither a choice nor {{"choices": [...]}} (found {json.dumps(value)[:40]})'


def _checked_tags(choices: list[str], allowed: set[str] | None) -> tuple[tuple[str, ...], str | None]:
    tags = tuple(sorted(set(choices)))
    if allowed is not None:
        outside = [tag for tag in tags if tag not in allowed]
        if outside:
            return tags, f"choice {', '.join(repr(t) for t in outside)} is not in the project config's choices"
    return tags, None


def _event(
    parsed: Parsed,
    position: int,
    element: object,
    *,
    project_id: int,
    queue: str | None,
    task_id: int | None,
    annotation: dict[str, Any],
    choices: list[str],
    users: dict[int, str],
    allowed: set[str] | None,
    known_projects: set[int] | None,
    annotator_field: str,
) -> Event | None:
    reasons = []
    annotator = _annotator(annotation.get(annotator_field), users)
    if annotator is None:
        reasons.append(f"{annotator_field} is missing")
    labeled_at = parse_timestamp(annotation.get("updated_at"))
    if labeled_at is None:
        reasons.append("updated_at is missing or not an ISO 8601 time")
    cancelled = annotation.get("was_cancelled") is True
    tags, bad_choice = _checked_tags([] if cancelled else choices, allowed)
    if bad_choice:
        reasons.append(bad_choice)
    if known_projects is not None and project_id not in known_projects:
        reasons.append(f"project_id {project_id} is not a known project (raw.projects)")
    annotation_id = annotation.get("id", annotation.get("annotation_id"))
    if reasons or annotator is None or labeled_at is None:
        for reason in reasons:
            parsed.reject(position, element, reason)
        return None
    status = "skipped" if cancelled else ("labeled" if tags else "no_tag")
    return Event(
        annotator=annotator,
        project_id=project_id,
        status=status,
        tags=tags,
        labeled_at=labeled_at,
        queue=queue,
        task_id=task_id,
        annotation_id=annotation_id if isinstance(annotation_id, int) else None,
        position=position,
    )


def parse_export(
    elements: object,
    users: dict[int, str] | None = None,
    allowed: set[str] | None = None,
    known_projects: set[int] | None = None,
) -> Parsed:
    """Events and rejects of an export (already read as JSON): JSON tasks and JSON_MIN rows alike.

    `users` maps user ids to emails; `allowed` is the set of choices the config offers (None: any);
    `known_projects` the project ids that exist (None: any)."""
    users = users or {}
    parsed = Parsed()
    if not isinstance(elements, list):
        raise InputFileError(
            "Label Studio export", "top level", "not a JSON array of tasks; export as JSON or JSON_MIN"
        )
    candidates: list[Event] = []
    for position, element in enumerate(elements, start=1):
        parsed.n_elements += 1
        if not isinstance(element, dict):
            parsed.reject(position, element, "element is not an object (a task or an annotation row)")
            continue
        if "annotations" in element:
            candidates.extend(_from_task(parsed, position, element, users, allowed, known_projects))
        elif "annotation_id" in element or "annotator" in element:
            candidates.extend(_from_min_row(parsed, position, element, users, allowed, known_projects))
        else:
            parsed.reject(
                position, element, "not a Label Studio task: no annotations (JSON) or annotation_id (JSON_MIN)"
            )
    parsed.events = _latest_per_task(parsed, candidates)
    return parsed


def _from_task(
    parsed: Parsed,
    position: int,
    task: dict[str, Any],
    users: dict[int, str],
    allowed: set[str] | None,
    known_projects: set[int] | None,
) -> Iterable[Event]:
    project_id, problem = _project_id(task.get("data"))
    if problem:
        parsed.reject(position, task, problem)
        return []
    annotations = task.get("annotations")
    if not isinstance(annotations, list):
        parsed.reject(position, task, "annotations is not a list")
        return []
    drafts = task.get("drafts")
    parsed.n_drafts += len(drafts) if isinstance(drafts, list) else 0
    task_id = task.get("id") if isinstance(task.get("id"), int) else None
    events = []
    for annotation in annotations:
        if not isinstance(annotation, dict):
            parsed.reject(position, task, "annotations holds an item that is not an object")
            continue
        choices, problem = _choices_from_result(annotation.get("result", []))
        if problem:
            parsed.reject(position, task, f"annotation {annotation.get('id')}: {problem}")
            continue
        event = _event(
            parsed,
            position,
            task,
            project_id=project_id,
            queue=_queue(task["data"]),
            task_id=task_id,
            annotation=annotation,
            choices=choices or [],
            users=users,
            allowed=allowed,
            known_projects=known_projects,
            annotator_field="completed_by",
        )
        if event:
            events.append(event)
    return events


def _from_min_row(
    parsed: Parsed,
    position: int,
    row: dict[str, Any],
    users: dict[int, str],
    allowed: set[str] | None,
    known_projects: set[int] | None,
) -> Iterable[Event]:
    project_id, problem = _project_id(row)
    if problem:
        parsed.reject(position, row, problem.replace("data.", ""))
        return []
    choices, problem = _choices_from_min(row.get(CHOICES_NAME))
    if problem:
        parsed.reject(position, row, problem)
        return []
    task_id = row.get("id") if isinstance(row.get("id"), int) else None
    annotation = {**row, "id": row.get("annotation_id")}
    event = _event(
        parsed,
        position,
        row,
        project_id=project_id,
        queue=_queue(row),
        task_id=task_id,
        annotation=annotation,
        choices=choices or [],
        users=users,
        allowed=allowed,
        known_projects=known_projects,
        annotator_field="annotator",
    )
    return [event] if event else []


def _latest_per_task(parsed: Parsed, candidates: list[Event]) -> list[Event]:
    """Keep each user's latest annotation per task (then per project and time, which is the table's key)."""
    latest: dict[tuple[str, object], Event] = {}
    for event in candidates:
        task = event.task_id if event.task_id is not None else (event.project_id, event.queue)
        slot = (event.annotator, task)
        current = latest.get(slot)
        if current is None or (event.labeled_at, event.annotation_id or 0) > (
            current.labeled_at,
            current.annotation_id or 0,
        ):
            latest[slot] = event
    by_key: dict[tuple[str, int, datetime], Event] = {}
    for event in latest.values():
        current = by_key.get(event.key)
        if current is None or (event.annotation_id or 0) > (current.annotation_id or 0):
            by_key[event.key] = event
    parsed.n_superseded = len(candidates) - len(by_key)
    return sorted(by_key.values(), key=lambda e: (e.position, e.annotator, e.labeled_at))


def read_export(path: Path, uri: str) -> object:
    """The export file as JSON; a file that is not JSON is a one-line error naming the place."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise InputFileError(uri, f"byte {exc.start}", "not UTF-8 text; export again as JSON or JSON_MIN") from exc
    except json.JSONDecodeError as exc:
        raise InputFileError(uri, f"line {exc.lineno} column {exc.colno}", f"not JSON: {exc.msg}") from exc


def ensure_raw_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create an empty raw.annotation_events when no export was ever loaded, so dbt always finds it."""
    con.execute("create schema if not exists raw")
    con.execute(EVENTS_DDL)


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    (n,) = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
    ).fetchone()
    return n > 0


def allowed_choices(con: duckdb.DuckDBPyConnection) -> set[str] | None:
    """The choices a generated config offers: the kept tags of the last build (marts.tag_frequencies), else
    the taxonomy (raw.tags); None when the warehouse has neither (no check)."""
    if _table_exists(con, "marts", "tag_frequencies"):
        rows = con.execute("select tag from marts.tag_frequencies where is_kept").fetchall()
        if rows:
            return {tag for (tag,) in rows}
    if _table_exists(con, "raw", "tags"):
        return {tag for (tag,) in con.execute("select tag from raw.tags").fetchall()}
    return None


def known_projects(con: duckdb.DuckDBPyConnection) -> set[int] | None:
    if not _table_exists(con, "raw", "projects"):
        return None
    return {project_id for (project_id,) in con.execute("select id from raw.projects").fetchall()}


def load_export(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    uri: str,
    users: dict[int, str] | None = None,
    allowed: set[str] | None = None,
    strict: bool = False,
) -> LoadReport:
    """Parse the export at `path` and write its events and rejects in one transaction.

    `allowed` defaults to the warehouse's kept tags (`allowed_choices`). Loading the same file again
    replaces its earlier rejects and changes no event."""
    started = time.perf_counter()
    elements = read_export(path, uri)
    con.execute("begin transaction")
    try:
        con.execute(RAW_DDL)
        ensure_raw_table(con)
        parsed = parse_export(
            elements, users, allowed if allowed is not None else allowed_choices(con), known_projects(con)
        )
        if strict and parsed.rejects:
            position, (_, reasons) = min(parsed.rejects.items())
            raise RejectedRecordsError(
                f"{uri}: {len(parsed.rejects)} of {parsed.n_elements} elements fail validation and --strict is "
                f"set, so nothing was loaded. First: element {position}: {'; '.join(reasons)}. Fix the export or "
                "drop --strict."
            )
        load_id = str(uuid.uuid4())
        n_new = _write_events(con, parsed.events, uri, load_id)
        # As the loader does: earlier rejects of this source become history, a re-load replaces its own.
        con.execute("update raw.rejected_records set is_current = false where source_name = ?", [SOURCE_NAME])
        con.execute("delete from raw.rejected_records where source_uri = ?", [uri])
        for position, (record, reasons) in sorted(parsed.rejects.items()):
            con.execute(
                "insert into raw.rejected_records (source_name, source_uri, source_position, record_json, reason, "
                "load_id, loaded_at, is_current) values (?, ?, ?, ?, ?, ?, current_timestamp, true)",
                [SOURCE_NAME, uri, position, record, "; ".join(reasons), load_id],
            )
        seconds = time.perf_counter() - started
        report = LoadReport(
            SOURCE_NAME,
            uri,
            parsed.n_elements,
            len(parsed.events),
            n_new,
            0,
            len(parsed.rejects),
            0,
            seconds,
        )
        con.execute(
            """
            insert into raw.load_log (
                load_id, source_name, source_uri, n_records, n_loaded, n_new, n_changed, n_rejected,
                replaced_all, seconds, loaded_at, n_removed
            )
            values (?, ?, ?, ?, ?, ?, 0, ?, false, ?, current_timestamp, 0)
            """,
            [load_id, SOURCE_NAME, uri, report.n_records, report.n_loaded, n_new, report.n_rejected, seconds],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return report


def _write_events(con: duckdb.DuckDBPyConnection, events: list[Event], uri: str, load_id: str) -> int:
    """Insert the events whose key is new; return how many. An event already loaded keeps its row."""
    if not events:  # an export nobody annotated yet (DuckDB's executemany refuses an empty list)
        return 0
    con.execute("create or replace temp table incoming_events as select * from raw.annotation_events where false")
    con.executemany(
        "insert into incoming_events values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp)",
        [
            [
                e.annotator,
                e.project_id,
                e.status,
                list(e.tags),
                e.labeled_at,
                e.queue,
                e.task_id,
                e.annotation_id,
                uri,
                e.position,
                load_id,
            ]
            for e in events
        ],
    )
    (n_new,) = con.execute(
        """
        select count(*) from incoming_events as i
        where not exists (
            select 1 from raw.annotation_events as r
            where r.annotator = i.annotator and r.project_id = i.project_id and r.labeled_at = i.labeled_at
        )
        """
    ).fetchone()
    con.execute(
        """
        insert into raw.annotation_events
        select * from incoming_events as i
        where not exists (
            select 1 from raw.annotation_events as r
            where r.annotator = i.annotator and r.project_id = i.project_id and r.labeled_at = i.labeled_at
        )
        """
    )
    con.execute("drop table incoming_events")
    return n_new
