"""Label Studio tasks and the project config, from the warehouse's marts.

Four queues, in priority order (docs/labeling.md): `disagreements` (projects in label_disagreements to
settle), `label_issues` (author labels likely wrong or missing, marts.label_issues), `suggestions`
(projects with a tag_suggestions row to review) and `new` (projects nobody has decided on yet: the
streaming data). A project is in one queue only: the first of these that lists it, or the queue of its
task already in progress in Label Studio (`pinned`). A task is keyed by (project id, queue):
`data.tagifai_key`.

A mart another build adds (label_issues, label_model, tag_model_predictions) is optional: without it its
queue is empty, the pre-annotation carries no score, and `new` keeps its newest-first order.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import duckdb

from tagifai.errors import TagifaiError
from tagifai.ingest.label_studio import CHOICES_NAME

# Highest priority first: a project listed by several queues goes to the first.
QUEUES = ("disagreements", "label_issues", "suggestions", "new")
TEXT_NAME = "text"
NOTE_NAME = "note"


@dataclass(frozen=True)
class Overlap:
    """How many annotators see a task of the overlap cohort, and which share of tasks is in it."""

    annotators: int = 2
    share: float = 0.3

    def project_settings(self) -> dict[str, Any]:
        return {
            "maximum_annotations": self.annotators,
            "overlap_cohort_percentage": round(self.share * 100),
            "show_overlap_first": True,
        }


@dataclass(frozen=True)
class PreAccepted:
    """A label the label model gives with probability at or above the push's --pre-accept-threshold."""

    project_id: int
    tag: str
    probability: float
    model_version: str


@dataclass
class Batch:
    """What a push sends: the tasks (one per project), the kept tags, and the pre-accepted labels."""

    tasks: list[dict[str, Any]]
    tags: list[str]
    pre_accepted: list[PreAccepted] = field(default_factory=list)


def label_config(tags: list[str]) -> str:
    """A multi-label Choices over the kept tags, on the project's text, with its queue as the header."""
    choices = "\n".join(f"    <Choice value={quoteattr(tag)}/>" for tag in tags)
    return (
        "<View>\n"
        '  <Header value="$title"/>\n'
        '  <Text name="queue" value="$queue"/>\n'
        f'  <Text name="{NOTE_NAME}" value="${NOTE_NAME}"/>\n'
        f'  <Text name="{TEXT_NAME}" value="$text"/>\n'
        f'  <Choices name="{CHOICES_NAME}" toName="{TEXT_NAME}" choice="multiple" showInline="true">\n'
        f"{choices}\n"
        "  </Choices>\n"
        "</View>"
    )


def config_choices(config: str) -> set[str]:
    """The Choice values of a Label Studio config (what annotators could choose)."""
    import xml.etree.ElementTree as ElementTree

    root = ElementTree.fromstring(config)
    return {choice.get("value", "") for choice in root.iter("Choice")}


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> list[tuple]:
    try:
        return con.execute(sql, params or []).fetchall()
    except duckdb.CatalogException as exc:
        raise TagifaiError(
            f"the warehouse has no {str(exc).split('with name ')[-1].split()[0]}: build it first (make build)"
        ) from None


def has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    (n,) = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
    ).fetchone()
    return n > 0


def kept_tags(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [tag for (tag,) in _rows(con, "select tag from marts.tag_frequencies where is_kept order by tag")]


UNDECIDED = """
    select project_id, created_at from staging.stg_madewithml__projects
    where project_id not in (select project_id from intermediate.int_projects_decided)
"""


def queue_candidates(con: duckdb.DuckDBPyConnection) -> dict[str, list[int]]:
    """Each queue's projects in its own order, before a project is given to one queue only."""
    sql = {
        "disagreements": "select distinct project_id from marts.label_disagreements order by project_id",
        "label_issues": "select project_id from marts.label_issues group by project_id "
        "order by min(issue_rank), project_id",
        "suggestions": "select project_id from marts.tag_suggestions group by project_id "
        "order by max(n_votes_for) desc, project_id",
        # The smallest margin first: the project whose least certain tag is closest to 0.5 (active learning).
        # Rounded, so that margins equal but for floating point (|.55 - .5|, |.45 - .5|) tie, by project id.
        "new": f"""
            select u.project_id from ({UNDECIDED}) as u
            left join (
                select project_id, round(min(abs(probability - 0.5)), 9) as margin
                from marts.tag_model_predictions group by project_id
            ) as m on m.project_id = u.project_id
            order by m.margin nulls last, u.project_id
        """
        if has_table(con, "marts", "tag_model_predictions")
        else f"select project_id from ({UNDECIDED}) order by created_at desc, project_id",
    }
    if not has_table(con, "marts", "label_issues"):
        sql.pop("label_issues")
    return {queue: [pid for (pid,) in _rows(con, sql[queue])] if queue in sql else [] for queue in QUEUES}


def assign_queues(
    candidates: dict[str, list[int]],
    limit: int | None = None,
    pinned: dict[int, str] | None = None,
    excluded: set[int] | None = None,
) -> dict[str, list[int]]:
    """One queue per project: its pinned queue (a task in progress), else the first queue in QUEUES that
    lists it. `limit` caps each queue's projects (pinned ones always stay); `excluded` projects (labels
    pre-accepted) are left out of `new`."""
    pinned = pinned or {}
    excluded = excluded or set()
    taken: set[int] = set(pinned)
    assigned: dict[str, list[int]] = {}
    for queue in QUEUES:
        mine = [pid for pid, q in sorted(pinned.items()) if q == queue]
        chosen: list[int] = []
        for pid in candidates.get(queue, []):
            if pid in taken or (queue == "new" and pid in excluded):
                continue
            taken.add(pid)
            if limit is None or len(chosen) < limit:
                chosen.append(pid)
        assigned[queue] = mine + chosen
    return assigned


def functions_version(con: duckdb.DuckDBPyConnection) -> str:
    rows = _rows(con, "select max(functions_version) from intermediate.int_labeling_functions_fired")
    return rows[0][0] or "no-labeling-functions"


def _label_model(con: duckdb.DuckDBPyConnection) -> tuple[dict[int, dict[str, float]], str | None]:
    """{project: {tag: probability}} and the model version, or ({}, None) without marts.label_model."""
    if not has_table(con, "marts", "label_model"):
        return {}, None
    scores: dict[int, dict[str, float]] = {}
    for project_id, tag, probability in _rows(con, "select project_id, tag, probability from marts.label_model"):
        scores.setdefault(project_id, {})[tag] = float(probability)
    (version,) = _rows(con, "select max(model_version) from marts.label_model")[0]
    return scores, version or "label-model"


def pre_accepted(scores: dict[int, dict[str, float]], version: str, threshold: float) -> list[PreAccepted]:
    """The labels of the projects the label model decides on its own: at least one tag at `threshold` or
    above, and every other tag at 1 - threshold or below. Other projects keep all their tags for people."""
    accepted = []
    for project_id, by_tag in sorted(scores.items()):
        confident = all(p >= threshold or p <= 1 - threshold for p in by_tag.values())
        labels = sorted(tag for tag, p in by_tag.items() if p >= threshold)
        if confident and labels:
            accepted.extend(PreAccepted(project_id, tag, by_tag[tag], version) for tag in labels)
    return accepted


def warehouse_tags(db_path: Path) -> list[str]:
    """The kept tags of the warehouse at `db_path` (the project config's choices)."""
    if not db_path.is_file():
        raise TagifaiError(f"{db_path}: warehouse not found; build it first (make build)")
    with duckdb.connect(str(db_path), read_only=True) as con:
        return kept_tags(con)


def build_tasks(
    db_path: Path,
    limit: int | None = None,
    pinned: dict[int, str] | None = None,
    pre_accept_threshold: float | None = None,
) -> Batch:
    """The tasks of every queue (one per project), from the warehouse at `db_path`, opened read-only.

    `pinned` maps a project to the queue of its task in progress in Label Studio (annotated, not complete)."""
    if not db_path.is_file():
        raise TagifaiError(f"{db_path}: warehouse not found; build it first (make build)")
    with duckdb.connect(str(db_path), read_only=True) as con:
        tags = kept_tags(con)
        scores, model_version = _label_model(con)
        lf_version = functions_version(con)
        candidates = queue_candidates(con)
        accepted: list[PreAccepted] = []
        if pre_accept_threshold is not None:
            if model_version is None:
                raise TagifaiError(
                    f"{db_path}: --pre-accept-threshold needs marts.label_model, which this warehouse lacks; "
                    "build it first, or push without the option"
                )
            # Only projects bound for `new` (not in a higher queue, no task in progress) are pre-accepted.
            bound_for_new = set(assign_queues(candidates, None, pinned)["new"]) - set(pinned or {})
            accepted = [
                a for a in pre_accepted(scores, model_version, pre_accept_threshold) if a.project_id in bound_for_new
            ]
        queues = assign_queues(candidates, limit, pinned, {a.project_id for a in accepted})
        wanted = sorted({pid for ids in queues.values() for pid in ids})
        projects = {
            row[0]: row[1:]
            for row in _rows(
                con,
                "select project_id, title, description, text from staging.stg_madewithml__projects "
                "where project_id in (select unnest(?::bigint[]))",
                [wanted],
            )
        }
        author = dict(_rows(con, "select id, tags from marts.labeled_projects"))
        suggested: dict[int, list[str]] = {}
        for project_id, tag in _rows(con, "select project_id, tag from marts.tag_suggestions order by tag"):
            suggested.setdefault(project_id, []).append(tag)
        issues: dict[int, list[tuple[str, str]]] = {}
        if has_table(con, "marts", "label_issues"):
            for project_id, tag, kind in _rows(
                con, "select project_id, tag, issue_kind from marts.label_issues order by issue_rank, tag"
            ):
                issues.setdefault(project_id, []).append((tag, kind))
    kept = set(tags)
    tasks = []
    for queue in QUEUES:
        for project_id in queues[queue]:
            if project_id not in projects:
                continue  # a pinned project no longer in the data: its task is left as it is
            title, description, text = projects[project_id]
            own = set(author.get(project_id, []))
            if queue == "label_issues":
                flagged = issues.get(project_id, [])
                predicted = sorted((own | {t for t, kind in flagged if kind == "missing"}) & kept)
                note = "Check: " + "; ".join(f"{kind} {t}" for t, kind in flagged)
            else:
                predicted = sorted((own | set(suggested.get(project_id, []))) & kept)
                note = ""
            data = {
                "project_id": project_id,
                "title": title,
                "description": description,
                TEXT_NAME: text,
                NOTE_NAME: note,
                "queue": queue,
                "tagifai_key": f"{project_id}:{queue}",
            }
            # The label model's version and score where it scores the project, else the functions' version.
            by_tag = scores.get(project_id)
            pred = prediction(predicted, model_version if by_tag and model_version else lf_version, by_tag, kept)
            data["tagifai_hash"] = _content_hash(data, pred)
            tasks.append({"data": data, "predictions": [pred]})
    return Batch(tasks, tags, accepted)


def prediction_score(chosen: list[str], by_tag: dict[str, float], kept: set[str]) -> float | None:
    """The label model's confidence in the pre-annotation at its weakest tag: min over the kept tags it
    scores of p (a chosen tag) or 1 - p (a tag left out); None when it scores none of them."""
    picked = set(chosen)
    values = [p if tag in picked else 1 - p for tag, p in by_tag.items() if tag in kept]
    return round(min(values), 6) if values else None


def prediction(
    tags: list[str], version: str, by_tag: dict[str, float] | None = None, kept: set[str] | None = None
) -> dict[str, Any]:
    """A Label Studio prediction choosing `tags`, with the label model's score when it scores the project."""
    body: dict[str, Any] = {
        "model_version": version,
        "result": [
            {
                "from_name": CHOICES_NAME,
                "to_name": TEXT_NAME,
                "type": "choices",
                "value": {"choices": tags},
            }
        ]
        if tags
        else [],
    }
    score = prediction_score(tags, by_tag, kept or set(by_tag)) if by_tag else None
    if score is not None:
        body["score"] = score
        for region in body["result"]:
            region["score"] = score
    return body


def _content_hash(data: dict[str, Any], pred: dict[str, Any]) -> str:
    """What makes a task change: its text, queue and pre-annotation (the key excluded)."""
    payload = json.dumps([data, pred], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
