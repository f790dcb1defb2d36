"""Run `dbt build` in this process, with dbt's start-up done while the loader works.

Before its first query `dbt build` spends seconds importing dbt and the adapter and reading its
partial-parse state; none of that needs the warehouse. So `tagifai-build` starts `dbt parse` in a thread
when the load starts (DuckDB releases the GIL while it runs a statement) and, once the load is done,
builds on the manifest that parse returned instead of parsing again.

The parse and the build see the profile a plain dbt command sees (the published warehouse), so the
partial-parse state is the one a later `dbt show` or `dbt build` reuses. The build runs on the stage the
caller holds: the dbt plugin (tagifai.warehouse.dbt_plugin) finds it in $TAGIFAI_HELD_STAGE.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tagifai import settings
from tagifai.errors import TagifaiError
from tagifai.warehouse.staging import HELD_STAGE_ENV

# `dbt build` options that change what parse produces (or where it writes), so the parse gets them too.
# Selection flags (--select, --selector, ...) do not: parse reads the whole project.
PARSE_OPTIONS_WITH_VALUE = frozenset(
    {"--vars", "--target", "-t", "--profile", "--target-path", "--log-path", "--project-dir", "--profiles-dir"}
)
PARSE_FLAGS = frozenset({"--partial-parse", "--no-partial-parse"})


class BuildFailedError(TagifaiError):
    """`dbt build` failed on the staged copy; the published warehouse was left as it was."""


def parse_args(dbt_args: list[str]) -> list[str]:
    """The options among `dbt_args` (meant for `dbt build`) that `dbt parse` must see as well."""
    kept: list[str] = []
    args = iter(dbt_args)
    for arg in args:
        name = arg.split("=", 1)[0]
        if arg in PARSE_FLAGS:
            kept.append(arg)
        elif name in PARSE_OPTIONS_WITH_VALUE:
            kept.append(arg)
            value = None if "=" in arg else next(args, None)
            if value is not None:  # a missing value is left for dbt to report
                kept.append(value)
    return kept


def _project_args() -> list[str]:
    root = str(settings.PROJECT_ROOT)
    return ["--project-dir", root, "--profiles-dir", root]


def _parse(dbt_args: list[str]) -> Any:
    """`dbt parse` in this thread: the dbtRunnerResult, whose result is the manifest when it succeeded."""
    from dbt.cli.main import dbtRunner  # imported here: the import is a large part of dbt's start-up

    return dbtRunner().invoke(["parse", *_project_args(), *parse_args(dbt_args)])


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set environment variables while dbt runs in this process (dbt reads profiles.yml's env_var then)."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def close_dbt_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process, so the publish step can open the
    staged file itself (DuckDB refuses a second in-process connection with different settings)."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # another adapter (the spark target) keeps nothing open here
        return
    if DuckDBConnectionManager._ENV is not None:
        DuckDBConnectionManager._ENV.close()
    DuckDBConnectionManager.close_all_connections()


class DbtBuild:
    """`dbt build` with `dbt_args` on `db_path`: `start()` parses in the background, `run()` builds."""

    def __init__(self, db_path: Path, dbt_args: list[str]) -> None:
        self.db_path = db_path  # the stage the caller holds
        self.dbt_args = dbt_args
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dbt-parse")
        self._parsed: Future[Any] | None = None

    def start(self) -> None:
        self._parsed = self._pool.submit(_parse, self.dbt_args)

    def _failed(self, what: str, result: Any) -> BuildFailedError:
        from dbt.cli.exceptions import DbtInternalException, DbtUsageException

        # dbt logs the errors of a run itself; a wrong command line it only returns.
        exc = result.exception
        said = f" ({exc})" if isinstance(exc, DbtUsageException | DbtInternalException) else " (see above)"
        return BuildFailedError(
            f"dbt {what} failed{said}: nothing published, the published warehouse is unchanged and readers "
            "still see the last good build. Fix the error and run again."
        )

    def run(self) -> None:
        """Wait for the parse, then `dbt build` on its manifest; BuildFailedError when either fails."""
        from dbt.cli.main import dbtRunner

        pending = self._parsed or self._pool.submit(_parse, self.dbt_args)  # run() without start(): parse now
        try:
            parsed = pending.result()
        finally:
            self._pool.shutdown()
        if not parsed.success:
            raise self._failed("parse", parsed)
        with environment(**{HELD_STAGE_ENV: str(self.db_path)}):
            try:
                result = dbtRunner(manifest=parsed.result).invoke(["build", *_project_args(), *self.dbt_args])
            finally:
                close_dbt_duckdb()
        if not result.success:
            raise self._failed("build", result)
