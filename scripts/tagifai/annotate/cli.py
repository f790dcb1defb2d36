"""`tagifai-annotate export|push|pull`: the annotation loop with Label Studio.

export  write the tasks (JSON) and the project config (XML) to a folder, for a manual import
push    create, move, update or close the project's tasks: one task per project, in one queue
pull    fetch the project's export and load its annotations into raw.annotation_events
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from tagifai import cli_support, settings
from tagifai.annotate.client import URL_ENV, LabelStudio, default_token_file, read_token
from tagifai.annotate.reconcile import pinned, plan
from tagifai.annotate.tasks import (
    QUEUES,
    Overlap,
    PreAccepted,
    build_tasks,
    config_choices,
    label_config,
    warehouse_tags,
)
from tagifai.errors import TagifaiError
from tagifai.ingest import label_studio
from tagifai.warehouse.staging import staged_write

log = logging.getLogger("tagifai.annotate")

DEFAULT_TITLE = "tagifai"


def _parser() -> argparse.ArgumentParser:
    parser = cli_support.parser("tagifai-annotate", __doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    export = sub.add_parser("export", help="write tasks.json and label_config.xml to a folder")
    export.add_argument("--out-dir", type=Path, required=True)
    for command in (export, sub.add_parser("push", help="create or update the project and its tasks")):
        command.add_argument("--limit", type=int, help="at most this many projects per queue")
        command.add_argument("--overlap", type=int, default=2, help="annotators per overlapping task (default 2)")
        command.add_argument(
            "--overlap-share", type=float, default=0.3, help="share of tasks given to --overlap annotators (0.3)"
        )
        command.add_argument(
            "--pre-accept-threshold",
            type=_probability,
            help="keep out of `new` the projects marts.label_model decides alone at this probability (off)",
        )
    pull = sub.add_parser("pull", help="fetch the project's export and load it into the warehouse")
    pull.add_argument("--output", type=Path, help="keep the export here (default: next to the warehouse)")
    pull.add_argument(
        "--export-only",
        action="store_true",
        help="only write the export file; the caller loads it with its own build (Dagster's run does)",
    )
    for command in sub.choices.values():
        command.add_argument("--project-title", default=DEFAULT_TITLE, help="the Label Studio project's title")
        if command is not export:
            command.add_argument("--url", default=os.environ.get(URL_ENV), help=f"Label Studio URL (${URL_ENV})")
            command.add_argument("--token-file", type=Path, help=f"token file (default {default_token_file()})")
    return parser


def _probability(value: str) -> float:
    number = float(value)
    if not 0.5 < number <= 1:
        raise argparse.ArgumentTypeError(f"{value}: a probability above 0.5 and at most 1 is needed")
    return number


def _db_path(args: argparse.Namespace) -> Path:
    return cli_support.warehouse_path(args.duckdb_path)


def _overlap(args: argparse.Namespace) -> Overlap:
    if args.overlap < 1 or not 0 <= args.overlap_share <= 1:
        raise TagifaiError("--overlap must be 1 or more and --overlap-share between 0 and 1")
    return Overlap(args.overlap, args.overlap_share)


def _client(args: argparse.Namespace) -> LabelStudio:
    from tagifai.annotate.client import DEFAULT_URL

    client = LabelStudio(args.url or DEFAULT_URL, read_token(args.token_file))
    client.check()
    return client


def run_export(args: argparse.Namespace) -> None:
    batch = build_tasks(_db_path(args), args.limit, pre_accept_threshold=args.pre_accept_threshold)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / "tasks.json").write_text(json.dumps(batch.tasks, indent=1, ensure_ascii=False), encoding="utf-8")
    (args.out_dir / "label_config.xml").write_text(label_config(batch.tags), encoding="utf-8")
    (args.out_dir / "project_settings.json").write_text(json.dumps(_overlap(args).project_settings(), indent=1))
    if batch.pre_accepted:
        _write_pre_accepted(args.out_dir / "pre_accepted.csv", batch.pre_accepted, args.pre_accept_threshold)
    log.info(f"{len(batch.tasks)} tasks, a config over {len(batch.tags)} kept tags -> {args.out_dir}")


def _write_pre_accepted(path: Path, rows: list[PreAccepted], threshold: float) -> None:
    """The labels the label model decided alone: a record for people, never an annotation event."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["project_id", "tag", "probability", "model_version", "threshold"])
        writer.writerows([r.project_id, r.tag, r.probability, r.model_version, threshold] for r in rows)


def _replace_prediction(client: LabelStudio, task_id: int, body: dict[str, Any]) -> None:
    """The task's data and its one prediction, as `body` has them (earlier predictions deleted)."""
    client.request("PATCH", f"/api/tasks/{task_id}", json={"data": body["data"]})
    for old in client.request("GET", "/api/predictions", params={"task": task_id}) or []:
        client.request("DELETE", f"/api/predictions/{old['id']}")
    client.request("POST", "/api/predictions", json={"task": task_id, **body["predictions"][0]})


def run_push(args: argparse.Namespace) -> None:
    client = _client(args)
    db_path = _db_path(args)
    # Fails early, before anything changes, on a warehouse not built.
    config = {"label_config": label_config(warehouse_tags(db_path)), **_overlap(args).project_settings()}
    project = client.project_by_title(args.project_title)
    if project is None:
        project = client.request("POST", "/api/projects", json={"title": args.project_title, **config})
        log.info(f"created project {args.project_title!r} (id {project['id']})")
    elif any(project.get(name) != value for name, value in config.items()):
        client.request("PATCH", f"/api/projects/{project['id']}", json=config)
        log.info(f"updated the config of project {args.project_title!r} (id {project['id']})")
    existing = client.tasks(project["id"])
    batch = build_tasks(db_path, args.limit, pinned(existing), args.pre_accept_threshold)
    changes = plan(existing, batch.tasks)
    if changes.created:
        client.request("POST", f"/api/projects/{project['id']}/import", json=changes.created)
    for task_id, body in [*changes.moved, *changes.updated]:
        _replace_prediction(client, task_id, body)
    for task_id in changes.closed:
        client.request("DELETE", f"/api/tasks/{task_id}")
    if batch.pre_accepted:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        where = db_path.parent / "label-studio" / "pre_accepted" / f"{args.project_title}-{stamp}.csv"
        _write_pre_accepted(where, batch.pre_accepted, args.pre_accept_threshold)
        n_projects = len({r.project_id for r in batch.pre_accepted})
        log.info(
            f"{len(batch.pre_accepted)} labels on {n_projects} projects pre-accepted at "
            f"probability >= {args.pre_accept_threshold} (not sent to annotators; listed in {where})"
        )
    by_queue = Counter(body["data"]["queue"] for body in batch.tasks)
    log.info("queues: " + ", ".join(f"{q} {by_queue.get(q, 0)}" for q in QUEUES))
    log.info(f"{client.url}/projects/{project['id']}: {changes.summary()}")


def _with_user_emails(export: object, users: dict[int, str]) -> object:
    """The export with each annotator id replaced by {id, email}, so that whoever loads the file later
    (Dagster's run, with no access to the users API) names annotators by email as a pull does."""
    if not isinstance(export, list):
        return export
    for task in export:
        if not isinstance(task, dict):
            continue
        for annotation in task.get("annotations") or []:
            if isinstance(annotation, dict) and type(annotation.get("completed_by")) is int:
                user = annotation["completed_by"]
                if user in users:
                    annotation["completed_by"] = {"id": user, "email": users[user]}
    return export


def run_pull(args: argparse.Namespace) -> None:
    client = _client(args)
    project = client.project_by_title(args.project_title)
    if project is None:
        raise TagifaiError(f"{client.url}: no project titled {args.project_title!r}; push tasks first")
    export = client.export(project["id"])
    users = client.users()
    allowed = config_choices(project["label_config"])
    db_path = _db_path(args)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    output = args.output or db_path.parent / "label-studio" / "exports" / f"{args.project_title}-{stamp}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(_with_user_emails(export, users), ensure_ascii=False), encoding="utf-8")
    # One source per Label Studio project, so a pull replaces the rejects of the previous one.
    log.info(f"export kept in {output}")
    if args.export_only:
        return  # the caller's own load takes it in (Dagster's run loads it with the sources, then builds)
    uri = f"{client.url}/projects/{project['id']}"
    with staged_write(db_path) as staged, duckdb.connect(str(staged), config=settings.duckdb_config()) as con:
        report = label_studio.load_export(con, output, uri, users=users, allowed=allowed)
    log.info(f"{report.summary()}")


def main(argv: list[str] | None = None) -> int:
    """`tagifai-annotate export|push|pull`."""

    def dispatch(args: argparse.Namespace) -> None:
        {"export": run_export, "push": run_push, "pull": run_pull}[args.command](args)

    return cli_support.run("tagifai-annotate", _parser(), dispatch, argv)


if __name__ == "__main__":
    sys.exit(main())
