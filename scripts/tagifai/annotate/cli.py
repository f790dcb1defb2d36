"""`tagifai-annotate export|push|pull`: the annotation loop with Label Studio.

export  write the tasks (JSON) and the project config (XML) to a folder, for a manual import
push    create or update the Label Studio project and its tasks (idempotent: keyed by project id and queue)
pull    fetch the project's export and load its annotations into raw.annotation_events
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from tagifai import settings
from tagifai.annotate.client import URL_ENV, LabelStudio, default_token_file, read_token
from tagifai.annotate.tasks import Overlap, build_tasks, config_choices, label_config
from tagifai.errors import TagifaiError
from tagifai.ingest import label_studio
from tagifai.warehouse.staging import staged_write

DEFAULT_TITLE = "tagifai"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tagifai-annotate", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duckdb-path",
        help=f"warehouse file (default: ${settings.DUCKDB_PATH_ENV}, else {settings.DEFAULT_DUCKDB_PATH})",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    export = sub.add_parser("export", help="write tasks.json and label_config.xml to a folder")
    export.add_argument("--out-dir", type=Path, required=True)
    for command in (export, sub.add_parser("push", help="create or update the project and its tasks")):
        command.add_argument("--limit", type=int, help="at most this many projects per queue")
        command.add_argument("--overlap", type=int, default=2, help="annotators per overlapping task (default 2)")
        command.add_argument(
            "--overlap-share", type=float, default=0.3, help="share of tasks given to --overlap annotators (0.3)"
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


def _db_path(args: argparse.Namespace) -> Path:
    return Path(args.duckdb_path).expanduser().resolve() if args.duckdb_path else settings.duckdb_path()


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
    tasks, tags = build_tasks(_db_path(args), args.limit)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / "tasks.json").write_text(json.dumps(tasks, indent=1, ensure_ascii=False), encoding="utf-8")
    (args.out_dir / "label_config.xml").write_text(label_config(tags), encoding="utf-8")
    (args.out_dir / "project_settings.json").write_text(json.dumps(_overlap(args).project_settings(), indent=1))
    print(f"tagifai-annotate: {len(tasks)} tasks, a config over {len(tags)} kept tags -> {args.out_dir}")


def run_push(args: argparse.Namespace) -> None:
    client = _client(args)
    tasks, tags = build_tasks(_db_path(args), args.limit)
    config = {"label_config": label_config(tags), **_overlap(args).project_settings()}
    project = client.project_by_title(args.project_title)
    if project is None:
        project = client.request("POST", "/api/projects", json={"title": args.project_title, **config})
        print(f"tagifai-annotate: created project {args.project_title!r} (id {project['id']})")
    elif any(project.get(name) != value for name, value in config.items()):
        client.request("PATCH", f"/api/projects/{project['id']}", json=config)
        print(f"tagifai-annotate: updated the config of project {args.project_title!r} (id {project['id']})")
    existing = {t["data"].get("tagifai_key"): t for t in client.tasks(project["id"]) if isinstance(t.get("data"), dict)}
    new = [task for task in tasks if task["data"]["tagifai_key"] not in existing]
    changed = [
        task
        for task in tasks
        if task["data"]["tagifai_key"] in existing
        and existing[task["data"]["tagifai_key"]]["data"].get("tagifai_hash") != task["data"]["tagifai_hash"]
    ]
    if new:
        client.request("POST", f"/api/projects/{project['id']}/import", json=new)
    for task in changed:
        task_id = existing[task["data"]["tagifai_key"]]["id"]
        client.request("PATCH", f"/api/tasks/{task_id}", json={"data": task["data"]})
        body: dict[str, Any] = {"task": task_id, **task["predictions"][0]}
        client.request("POST", "/api/predictions", json=body)
    unchanged = len(tasks) - len(new) - len(changed)
    print(
        f"tagifai-annotate: {client.url}/projects/{project['id']}: {len(new)} tasks created, "
        f"{len(changed)} updated, {unchanged} unchanged"
    )


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
    output.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    # One source per Label Studio project, so a pull replaces the rejects of the previous one.
    print(f"tagifai-annotate: export kept in {output}")
    if args.export_only:
        return  # the caller's own load takes it in (Dagster's run loads it with the sources, then builds)
    uri = f"{client.url}/projects/{project['id']}"
    with staged_write(db_path) as staged, duckdb.connect(str(staged), config=settings.duckdb_config()) as con:
        report = label_studio.load_export(con, output, uri, users=users, allowed=allowed)
    print(f"tagifai-annotate: {report.summary()}")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        {"export": run_export, "push": run_push, "pull": run_pull}[args.command](args)
    except (TagifaiError, duckdb.IOException) as exc:
        print(f"tagifai-annotate: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
