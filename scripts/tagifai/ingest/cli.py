"""`tagifai-load`: land the projects, taxonomy and annotations files in raw.*, on a staged copy."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from tagifai import cli_support, settings
from tagifai.ingest.api import ANNOTATION_FORMATS, SOURCE_NAMES, LoadOptions, load

log = logging.getLogger("tagifai.load")


def add_load_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options of LoadOptions, shared by tagifai-load, tagifai-build and tagifai-build-spark."""
    parser.add_argument(
        "--data-dir",
        help=f"folder holding projects.json and tags.json (default: ${settings.DATA_DIR_ENV}, else the public URLs)",
    )
    parser.add_argument("--projects", type=Path, help="load this projects file instead of the folder's")
    parser.add_argument("--tags", type=Path, help="load this tags file instead of the folder's")
    parser.add_argument(
        "--annotations",
        type=Path,
        help="also load this annotations file (.csv or .json): annotator, project_id, tag, labeled_at; or a "
        "Label Studio export (JSON or JSON_MIN, detected by its shape)",
    )
    parser.add_argument(
        "--format",
        choices=list(ANNOTATION_FORMATS),
        default="auto",
        help="the --annotations file's format (default auto: a Label Studio export is recognised by its shape)",
    )
    parser.add_argument(
        "--example-annotations",
        type=Path,
        help="load this file of example annotations (make demo) into raw.example_annotations, apart from real ones",
    )
    parser.add_argument(
        "--only", choices=list(SOURCE_NAMES), action="append", help="load only this source (repeatable)"
    )
    parser.add_argument("--strict", action="store_true", help="refuse a file (load nothing) if any record is rejected")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="the projects file is complete: delete projects missing from it instead of keeping them "
        "(tags are always replaced)",
    )
    return parser


def load_options(args: argparse.Namespace) -> LoadOptions:
    """The LoadOptions of parsed arguments (argparse stays in the command-line modules)."""
    return LoadOptions(
        data_dir=Path(args.data_dir).expanduser() if args.data_dir else None,
        projects=args.projects,
        tags=args.tags,
        annotations=args.annotations,
        annotations_format=args.format,
        example_annotations=args.example_annotations,
        only=tuple(args.only or ()),
        strict=args.strict,
        replace=args.replace,
    )


def _arguments() -> argparse.ArgumentParser:
    parser = add_load_arguments(
        cli_support.parser("tagifai-load", "Load the Made With ML projects and tags JSON into the DuckDB warehouse.")
    )
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="write the warehouse file directly instead of building a copy and publishing it atomically "
        "(no copy, but it waits for no reader: it fails while anyone has the file open)",
    )
    return parser


def _load(args: argparse.Namespace) -> None:
    warehouse = cli_support.warehouse_path(args.duckdb_path)
    load(warehouse, load_options(args), in_place=args.in_place)
    log.info(f"warehouse {warehouse}")


def main(argv: Sequence[str] | None = None) -> int:
    """`tagifai-load`: land projects.json and tags.json in raw.*."""
    return cli_support.run("tagifai-load", _arguments(), _load, argv)


if __name__ == "__main__":
    sys.exit(main())
