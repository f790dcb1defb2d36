"""`tagifai-build`: the main job. Load, then `dbt build`, on a staged copy published only when both succeed."""

from __future__ import annotations

import argparse
import atexit
import gc
import sys

import duckdb

from tagifai.build.dbt_session import DbtBuild
from tagifai.build.labeling_check import check_labeling_functions
from tagifai.build.publish import staged_copy, staging_dir, writer_lock
from tagifai.errors import TagifaiError
from tagifai.ingest.cli import fail, load_into, load_parser, warehouse_path


def run_build(args: argparse.Namespace) -> None:
    """Load and `dbt build` a staged copy of the warehouse, then publish it atomically.

    dbt runs in this process and parses the project while the load runs (tagifai/build/dbt_session.py).
    """
    check_labeling_functions()
    db_path = warehouse_path(args)
    dbt_args = [a for a in args.dbt_args if a != "--"]
    # The staged copy keeps the warehouse's file name (publish.py), so dbt can parse before it exists.
    target = db_path if args.in_place else staging_dir(db_path) / db_path.name
    build = DbtBuild(target, dbt_args, staged=not args.in_place)
    build.start()
    if args.in_place:
        with writer_lock(db_path):
            load_into(db_path, args)
            build.run()
    else:
        with staged_copy(db_path) as staged:
            load_into(staged, args)
            build.run()
    print(f"tagifai-build: published {db_path}")


def _without_cyclic_gc() -> None:
    """Turn Python's cycle collector off for the rest of this process (a one-shot command).

    dbt keeps its manifest, about 200,000 Python objects, alive for the whole run: every full collection
    walks all of them, and the interpreter walks them once more on exit. What dbt leaves behind grows with
    the number of nodes, not with the data. gc.freeze() moves what exists to the permanent generation,
    which the collection at exit skips.
    """
    gc.disable()
    atexit.register(gc.freeze)


def build_main(argv: list[str] | None = None) -> int:
    """`tagifai-build`: load, then `dbt build`, on a copy published only when both succeed."""
    _without_cyclic_gc()
    parser = load_parser(
        "Load the data, then run `dbt build`, on a copy of the warehouse that replaces it atomically when "
        "both succeed (extra dbt arguments go after --)."
    )
    parser.add_argument("dbt_args", nargs=argparse.REMAINDER, help="passed to dbt build (after --)")
    args = parser.parse_args(argv)
    try:
        run_build(args)
    except (TagifaiError, duckdb.IOException) as exc:
        return fail(exc)
    return 0


if __name__ == "__main__":
    sys.exit(build_main())
