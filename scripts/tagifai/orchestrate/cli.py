"""`tagifai-orchestrate` (make orchestrate): Dagster's UI, daemon and code server for tagifai (serve.py)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from tagifai import cli_support
from tagifai.orchestrate.serve import serve


def main(argv: Sequence[str] | None = None) -> int:
    """Start the Dagster UI, daemon and code server on 127.0.0.1 until Ctrl-C or SIGTERM stops them."""
    parser = cli_support.parser(
        "tagifai-orchestrate",
        "Start the Dagster UI, daemon and code server for tagifai on 127.0.0.1 (Ctrl-C stops them).",
        warehouse=False,
    )
    parser.add_argument("--port", type=int, default=3000, help="the UI's port (default 3000)")
    exit_code = cli_support.EXIT_OK

    def run(args: argparse.Namespace) -> None:
        nonlocal exit_code
        exit_code = serve(args.port)

    return cli_support.run("tagifai-orchestrate", parser, run, argv) or exit_code


if __name__ == "__main__":
    sys.exit(main())
