"""`tagifai-generate-annotations`: an example annotations file from the loaded (or given) projects."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

from tagifai import cli_support, settings
from tagifai.errors import TagifaiError
from tagifai.examples.annotations import DEFAULT_ANNOTATORS, Annotator, generate, parse_annotator, write
from tagifai.ingest.fetch import Sources

log = logging.getLogger("tagifai.examples")


def _annotator(text: str) -> Annotator:
    try:
        return parse_annotator(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _parser() -> argparse.ArgumentParser:
    parser = cli_support.parser(
        "tagifai-generate-annotations", "Generate an example annotations file from the real projects.", warehouse=False
    )
    parser.add_argument("--output", type=Path, required=True, help="file to write (.json or .csv)")
    parser.add_argument(
        "--duckdb-path", type=Path, help="read the projects from this warehouse's raw.projects (loaded and checked)"
    )
    parser.add_argument("--data-dir", help=f"folder holding projects.json (default: ${settings.DATA_DIR_ENV})")
    parser.add_argument("--projects", type=Path, help="read this projects file instead of the folder's")
    parser.add_argument(
        "--annotator",
        type=_annotator,
        action="append",
        help=f"NAME=ERROR_RATE, repeatable (default: {' '.join(DEFAULT_ANNOTATORS)})",
    )
    parser.add_argument("--overlap", type=float, default=0.25, help="share of projects every annotator labels")
    parser.add_argument("--seed", type=int, default=42, help="random seed (same seed, same file)")
    return parser


def _generate(args: argparse.Namespace) -> None:
    annotators = args.annotator or [parse_annotator(text) for text in DEFAULT_ANNOTATORS]
    if len({a.name for a in annotators}) != len(annotators):
        raise TagifaiError("each --annotator name must be different")
    if not 0.0 <= args.overlap <= 1.0:
        raise TagifaiError(f"--overlap {args.overlap}: expected a share between 0 and 1")
    projects = _read_projects(args)
    try:
        records = generate(projects, annotators, args.overlap, args.seed)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise TagifaiError(
            f"the projects file holds a record this generator cannot read ({type(exc).__name__}: {exc}); "
            "load it with tagifai-load and generate from the warehouse with --duckdb-path"
        ) from exc
    write(records, args.output)
    n_projects = len({r["project_id"] for r in records})
    log.info(f"{len(records)} labels on {n_projects} projects by {len(annotators)} annotators -> {args.output}")


def main(argv: Sequence[str] | None = None) -> int:
    """`tagifai-generate-annotations`: write an example annotations file."""
    return cli_support.run("tagifai-generate-annotations", _parser(), _generate, argv)


def _read_projects(args: argparse.Namespace) -> list[dict]:
    """The projects (id, tags) from the warehouse given with --duckdb-path, else from a projects file."""
    if args.duckdb_path is not None:
        path = args.duckdb_path.expanduser().resolve()
        try:
            with duckdb.connect(str(path), read_only=True) as con:
                rows = con.execute("select id, tags from raw.projects order by id").fetchall()
        except duckdb.Error as exc:
            first_line = str(exc).splitlines()[0]
            raise TagifaiError(f"{path}: cannot read raw.projects ({first_line}); run make build first") from exc
        return [{"id": pid, "tags": tags} for pid, tags in rows]
    with Sources(settings.data_dir(args.data_dir)) as sources:
        if args.projects is not None:
            path = args.projects.expanduser().resolve()
        else:
            path, _ = sources.resolve(settings.FILE_NAMES["projects"], settings.PUBLIC_URLS["projects"])
        try:
            projects = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TagifaiError(f"{path}: cannot read the projects ({exc}); load-check it with tagifai-load") from exc
    if not isinstance(projects, list):
        raise TagifaiError(f"{path}: expected a JSON array of projects; load-check it with tagifai-load")
    return projects


if __name__ == "__main__":
    sys.exit(main())
