"""One voice for tagifai's commands: the warehouse option, logging (-v/-q) and one-line errors.

Exit codes, the same for every `tagifai-*` command (docs/operating.md):
  0  done
  1  failed: one line on stderr, `<command>: error: <what happened, where, what to do>`
  2  a wrong command line (argparse's usage message)
  3  refused: another writer is changing the warehouse (run again when it ends)
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from tagifai import settings
from tagifai.errors import TagifaiError
from tagifai.warehouse.staging import WarehouseBusyError

log = logging.getLogger("tagifai")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_BUSY = 3


def parser(prog: str, description: str, warehouse: bool = True) -> argparse.ArgumentParser:
    """An ArgumentParser with the options every command shares: -v/-q and (by default) --duckdb-path."""
    result = argparse.ArgumentParser(prog=prog, description=description)
    result.add_argument("-v", "--verbose", action="store_true", help="say more (debug messages)")
    result.add_argument("-q", "--quiet", action="store_true", help="say only warnings and errors")
    if warehouse:
        result.add_argument(
            "--duckdb-path",
            help=f"warehouse file (default: ${settings.DUCKDB_PATH_ENV}, else {settings.DEFAULT_DUCKDB_PATH})",
        )
    return result


def warehouse_path(value: str | None) -> Path:
    """The warehouse file: `value` (with ~ expanded), else $TAGIFAI_DUCKDB_PATH, else the default."""
    return Path(value).expanduser().resolve() if value else settings.duckdb_path()


def configure_logging(prog: str, verbose: bool = False, quiet: bool = False) -> None:
    """tagifai's messages as `<prog>: <message>`, at INFO (-v: DEBUG, -q: WARNING): what a command did on
    stdout (beside dbt's own output), warnings and errors on stderr."""
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    said = logging.StreamHandler(sys.stdout)
    said.addFilter(lambda record: record.levelno < logging.WARNING)
    warned = logging.StreamHandler(sys.stderr)
    warned.setLevel(logging.WARNING)
    for handler in (said, warned):
        handler.setFormatter(logging.Formatter(f"{prog}: %(message)s"))
    root = logging.getLogger("tagifai")
    root.handlers[:] = [said, warned]
    root.setLevel(level)
    root.propagate = False


def run(
    prog: str,
    arguments: argparse.ArgumentParser,
    action: Callable[[argparse.Namespace], None],
    argv: Sequence[str] | None,
) -> int:
    """Parse `argv`, set up logging, run `action`; a TagifaiError or DuckDB error ends in one line."""
    args = arguments.parse_args(argv)
    configure_logging(prog, getattr(args, "verbose", False), getattr(args, "quiet", False))
    try:
        action(args)
    except WarehouseBusyError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr, flush=True)
        return EXIT_BUSY
    except (TagifaiError, duckdb.Error, OSError) as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr, flush=True)
        return EXIT_FAILED
    return EXIT_OK
