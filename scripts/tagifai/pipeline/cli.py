"""`tagifai-build` (make build): load the sources, then `dbt build`, on one copy published when both succeed."""

from __future__ import annotations

import argparse
import atexit
import gc
import sys
from collections.abc import Sequence

from tagifai import cli_support
from tagifai.ingest.cli import add_load_arguments, load_options
from tagifai.pipeline.api import build


def _without_cyclic_gc() -> None:
    """Turn Python's cycle collector off for the rest of this process (a one-shot command).

    dbt keeps its manifest, about 200,000 Python objects, alive for the whole run: every full collection
    walks all of them, and the interpreter walks them once more on exit. gc.freeze() moves what exists to
    the permanent generation, which the collection at exit skips.
    """
    gc.disable()
    atexit.register(gc.freeze)


def _arguments() -> argparse.ArgumentParser:
    parser = add_load_arguments(
        cli_support.parser(
            "tagifai-build",
            "Load the data, then run `dbt build`, on a copy of the warehouse that replaces it atomically when "
            "both succeed (extra dbt arguments go after --).",
        )
    )
    parser.add_argument("dbt_args", nargs=argparse.REMAINDER, help="passed to dbt build (after --)")
    return parser


def _build(args: argparse.Namespace) -> None:
    dbt_args = [arg for arg in args.dbt_args if arg != "--"]
    build(cli_support.warehouse_path(args.duckdb_path), dbt_args, load=load_options(args))


def main(argv: Sequence[str] | None = None) -> int:
    """`tagifai-build`: load, then `dbt build`, on a copy published only when both succeed."""
    _without_cyclic_gc()
    return cli_support.run("tagifai-build", _arguments(), _build, argv)


if __name__ == "__main__":
    sys.exit(main())
