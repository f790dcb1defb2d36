"""`tagifai-load`: land the projects, taxonomy and annotations files in raw.*, on a staged copy."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from tagifai import settings
from tagifai.build.publish import staged_copy, writer_lock
from tagifai.errors import TagifaiError
from tagifai.ingest import label_studio
from tagifai.ingest.annotations import ANNOTATIONS, EXAMPLE_ANNOTATIONS, ensure_raw_table
from tagifai.ingest.fetch import Sources
from tagifai.ingest.load import LoadReport, SourceFile, load
from tagifai.ingest.records import SPECS
from tagifai.pause import pause_point


def load_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--data-dir",
        help=f"folder holding projects.json and tags.json (default: ${settings.DATA_DIR_ENV}, else the public URLs)",
    )
    parser.add_argument(
        "--duckdb-path",
        help=f"warehouse file (default: ${settings.DUCKDB_PATH_ENV}, else {settings.DEFAULT_DUCKDB_PATH})",
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
        choices=["auto", "tagifai", label_studio.FORMAT_NAME],
        default="auto",
        help="the --annotations file's format (default auto: a Label Studio export is recognised by its shape)",
    )
    parser.add_argument(
        "--example-annotations",
        type=Path,
        help="load this file of example annotations (make demo) into raw.example_annotations, apart from real ones",
    )
    parser.add_argument(
        "--only",
        choices=sorted([*SPECS, ANNOTATIONS.name, EXAMPLE_ANNOTATIONS.name]),
        action="append",
        help="load only this source (repeatable)",
    )
    parser.add_argument("--strict", action="store_true", help="refuse a file (load nothing) if any record is rejected")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="the projects file is complete: delete projects missing from it instead of keeping them "
        "(tags are always replaced)",
    )
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="write the warehouse file directly instead of building a copy and publishing it atomically "
        "(no copy, but it waits for no reader: it fails while anyone has the file open)",
    )
    return parser


def _source_files(args: argparse.Namespace, sources: Sources) -> list[SourceFile]:
    explicit = {"projects": args.projects, "tags": args.tags}
    if args.only:
        names = [name for name in args.only if name in explicit]
    else:
        names = [name for name in ("tags", "projects") if explicit.get(name) or not any(explicit.values())]
    files = []
    for name in names:
        spec = SPECS[name]
        if explicit.get(name) is not None:
            path = explicit[name].expanduser().resolve()
            if not path.is_file():
                raise TagifaiError(f"{path}: file not found (given as --{name})")
            local, uri = path, str(path)
        else:
            local, uri = sources.resolve(settings.FILE_NAMES[name], settings.PUBLIC_URLS[name])
        files.append(SourceFile(spec, local, uri, replace_all=(spec.complete or args.replace)))
    files.extend(_annotation_files(args))
    return files


def _annotation_files(args: argparse.Namespace) -> list[SourceFile]:
    """The files given with --annotations and --example-annotations (loaded unless --only leaves them out).

    Example annotations always replace the earlier example set; real ones upsert unless --replace."""
    files = []
    for spec, given, option, replace_all in (
        (ANNOTATIONS, args.annotations, "--annotations", args.replace),
        (EXAMPLE_ANNOTATIONS, args.example_annotations, "--example-annotations", True),
    ):
        wanted = not args.only or spec.name in args.only
        if given is None:
            if args.only and spec.name in args.only:
                raise TagifaiError(f"--only {spec.name} needs the file: add {option} PATH (.csv or .json)")
            continue
        if not wanted:
            continue
        path = given.expanduser().resolve()
        if not path.is_file():
            raise TagifaiError(f"{path}: file not found (given as {option})")
        if spec is ANNOTATIONS and _is_label_studio(args):
            continue  # loaded by label_studio.load_export (see load_into)
        files.append(SourceFile(spec, path, str(path), replace_all=replace_all))
    return files


def _is_label_studio(args: argparse.Namespace) -> bool:
    """True when --annotations is a Label Studio export (--format, else its shape) and is to be loaded."""
    if args.annotations is None or (args.only and ANNOTATIONS.name not in args.only):
        return False
    if args.format != "auto":
        return args.format == label_studio.FORMAT_NAME
    return label_studio.looks_like_export(args.annotations.expanduser().resolve())


def warehouse_path(args: argparse.Namespace) -> Path:
    db_path = Path(args.duckdb_path).expanduser().resolve() if args.duckdb_path else settings.duckdb_path()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    return db_path


def load_into(db_path: Path, args: argparse.Namespace) -> list[LoadReport]:
    """Resolve the sources, load them into `db_path` in one transaction, print and return what was done."""
    with Sources(settings.data_dir(args.data_dir)) as sources:
        files = _source_files(args, sources)
        with duckdb.connect(str(db_path), config=settings.duckdb_config()) as con:
            reports = load(con, files, strict=args.strict)
            if _is_label_studio(args):
                path = args.annotations.expanduser().resolve()
                reports.append(label_studio.load_export(con, path, str(path), strict=args.strict))
            ensure_raw_table(con)
            label_studio.ensure_raw_table(con)
    for report in reports:
        print(f"tagifai-load: {report.summary()}", flush=True)
    pause_point("loaded")
    return reports


def run_load(args: argparse.Namespace) -> None:
    """Load into a staged copy and publish it (or, with --in-place, into the warehouse file itself)."""
    db_path = warehouse_path(args)
    if args.in_place:
        with writer_lock(db_path):
            load_into(db_path, args)
    else:
        with staged_copy(db_path) as staged:
            load_into(staged, args)
    print(f"tagifai-load: warehouse {db_path}", flush=True)


def fail(exc: Exception) -> int:
    print(f"tagifai: error: {exc}", file=sys.stderr)
    return 1


def load_main(argv: list[str] | None = None) -> int:
    """`tagifai-load`: land projects.json and tags.json in raw.*."""
    args = load_parser("Load the Made With ML projects and tags JSON into the DuckDB warehouse.").parse_args(argv)
    try:
        run_load(args)
    except (TagifaiError, duckdb.IOException) as exc:
        return fail(exc)
    return 0


if __name__ == "__main__":
    sys.exit(load_main())
