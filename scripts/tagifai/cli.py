"""Command-line entry points: `tagifai-load` (land the JSON) and `tagifai-build` (load + dbt build)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from tagifai import settings
from tagifai.errors import TagifaiError
from tagifai.fetch import Sources
from tagifai.load import SourceFile, load
from tagifai.records import SPECS


def _parser(description: str) -> argparse.ArgumentParser:
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
    parser.add_argument("--only", choices=sorted(SPECS), action="append", help="load only this source (repeatable)")
    parser.add_argument("--strict", action="store_true", help="refuse a file (load nothing) if any record is rejected")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="projects: replace the whole table instead of upserting by id (tags are always replaced)",
    )
    return parser


def _source_files(args: argparse.Namespace, sources: Sources) -> list[SourceFile]:
    explicit = {"projects": args.projects, "tags": args.tags}
    names = args.only or [name for name in ("tags", "projects") if explicit[name] or not any(explicit.values())]
    files = []
    for name in names:
        spec = SPECS[name]
        if explicit[name] is not None:
            path = explicit[name].expanduser().resolve()
            if not path.is_file():
                raise TagifaiError(f"{path}: file not found (given as --{name})")
            local, uri = path, str(path)
        else:
            local, uri = sources.resolve(settings.FILE_NAMES[name], settings.PUBLIC_URLS[name])
        files.append(SourceFile(spec, local, uri, replace_all=(name == "tags" or args.replace)))
    return files


def run_load(args: argparse.Namespace) -> None:
    """Resolve the sources, load them in one transaction and print what was done."""
    db_path = Path(args.duckdb_path).resolve() if args.duckdb_path else settings.duckdb_path()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with Sources(settings.data_dir(args.data_dir)) as sources:
        files = _source_files(args, sources)
        with duckdb.connect(str(db_path), config=settings.duckdb_config()) as con:
            reports = load(con, files, strict=args.strict)
    for report in reports:
        print(f"tagifai-load: {report.summary()}")
    print(f"tagifai-load: warehouse {db_path}")


def _fail(exc: Exception) -> int:
    print(f"tagifai: error: {exc}", file=sys.stderr)
    return 1


def load_main(argv: list[str] | None = None) -> int:
    """`tagifai-load`: land projects.json and tags.json in raw.*."""
    args = _parser("Load the Made With ML projects and tags JSON into the DuckDB warehouse.").parse_args(argv)
    try:
        run_load(args)
    except (TagifaiError, duckdb.IOException) as exc:
        return _fail(exc)
    return 0


def build_main(argv: list[str] | None = None) -> int:
    """`tagifai-build`: load, then `dbt build` the project against the same warehouse file."""
    parser = _parser("Load the data, then run `dbt build` (extra dbt arguments go after --).")
    parser.add_argument("dbt_args", nargs=argparse.REMAINDER, help="passed to dbt build (after --)")
    args = parser.parse_args(argv)
    try:
        run_load(args)
    except (TagifaiError, duckdb.IOException) as exc:
        return _fail(exc)
    env = dict(os.environ)
    if args.duckdb_path:
        env[settings.DUCKDB_PATH_ENV] = str(Path(args.duckdb_path).resolve())
    extra = [a for a in args.dbt_args if a != "--"]
    root = str(settings.PROJECT_ROOT)
    command = ["dbt", "build", "--project-dir", root, "--profiles-dir", root, *extra]
    return subprocess.call(command, env=env)


if __name__ == "__main__":
    sys.exit(load_main())
