"""Label Studio tasks and the project config, from the warehouse's marts.

Three queues: `new` (projects nobody has decided on yet: the streaming data), `suggestions` (projects
with a tag_suggestions row to review) and `disagreements` (projects in label_disagreements to settle).
A task is keyed by (project id, queue): `data.tagifai_key`. Its pre-annotation is the author's kept tags
plus the tags the labeling functions suggest, with model_version the labeling functions' version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import duckdb

from tagifai.errors import TagifaiError
from tagifai.ingest.label_studio import CHOICES_NAME

QUEUES = ("new", "suggestions", "disagreements")
TEXT_NAME = "text"


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


def label_config(tags: list[str]) -> str:
    """A multi-label Choices over the kept tags, on the project's text, with its queue as the header."""
    choices = "\n".join(f"    <Choice value={quoteattr(tag)}/>" for tag in tags)
    return (
        "<View>\n"
        '  <Header value="$title"/>\n'
        '  <Text name="queue" value="$queue"/>\n'
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


def kept_tags(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [tag for (tag,) in _rows(con, "select tag from marts.tag_frequencies where is_kept order by tag")]


def _queue_projects(con: duckdb.DuckDBPyConnection, limit: int | None) -> dict[str, list[int]]:
    limit_sql = "" if limit is None else f" limit {int(limit)}"
    sql = {
        "new": """
            select project_id from staging.stg_madewithml__projects
            where project_id not in (
                select project_id from intermediate.int_annotation_events_latest where status <> 'skipped'
            )
            order by created_at desc, project_id
        """,
        "suggestions": """
            select project_id from marts.tag_suggestions
            group by project_id
            order by max(n_votes_for) desc, project_id
        """,
        "disagreements": "select distinct project_id from marts.label_disagreements order by project_id",
    }
    return {queue: [pid for (pid,) in _rows(con, sql[queue] + limit_sql)] for queue in QUEUES}


def functions_version(con: duckdb.DuckDBPyConnection) -> str:
    rows = _rows(con, "select max(functions_version) from intermediate.int_labeling_functions_fired")
    return rows[0][0] or "no-labeling-functions"


def build_tasks(db_path: Path, limit: int | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """(the tasks of every queue, the kept tags) from the warehouse at `db_path`, opened read-only."""
    if not db_path.is_file():
        raise TagifaiError(f"{db_path}: warehouse not found; build it first (make build)")
    with duckdb.connect(str(db_path), read_only=True) as con:
        tags = kept_tags(con)
        version = functions_version(con)
        queues = _queue_projects(con, limit)
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
    kept = set(tags)
    tasks = []
    for queue in QUEUES:
        for project_id in queues[queue]:
            title, description, text = projects[project_id]
            predicted = sorted({*author.get(project_id, []), *suggested.get(project_id, [])} & kept)
            data = {
                "project_id": project_id,
                "title": title,
                "description": description,
                TEXT_NAME: text,
                "queue": queue,
                "tagifai_key": f"{project_id}:{queue}",
            }
            data["tagifai_hash"] = _content_hash(data, predicted, version)
            tasks.append({"data": data, "predictions": [prediction(predicted, version)]})
    return tasks, tags


def prediction(tags: list[str], version: str) -> dict[str, Any]:
    return {
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


def _content_hash(data: dict[str, Any], predicted: list[str], version: str) -> str:
    """What makes a task change: its text, queue and pre-annotation (the key excluded)."""
    payload = json.dumps([data, predicted, version], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
