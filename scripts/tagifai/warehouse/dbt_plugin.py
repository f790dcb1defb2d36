"""dbt-duckdb plugin: every dbt command that writes takes the staged publish, every other one reads.

profiles.yml loads this plugin, so `dbt build`, `dbt run`, `dbt test`, `dbt seed`, `dbt snapshot`,
`dbt retry`, `dbt run-operation` and `dbt clone` (the commands that write: tables, test results, stored
failures) work as dbt documents them, and safely:

- when dbt opens its first connection, the plugin takes the warehouse's writer lock (a second writer is
  refused in one line), copies the published file into the staging folder and points the connection at
  the copy (staging.py);
- when the command completes, the copy is published in one rename if dbt succeeded (warnings allowed),
  and dropped otherwise: an error, a failing error test, a bad var or Ctrl-C leave the published file as
  it was; SIGKILL too (the lock dies with the process, the next writer starts from a fresh copy). The last
  line says which;
- readers holding the published file are never blocked and never see half a run.

Every other command (show, compile, ls, docs generate, source freshness, debug) opens the published file
read-only. With no warehouse yet, a writing command loads the sources first (TAGIFAI_DATA_DIR, else the
public URLs), so `dbt build` on a fresh clone works; a reading one stops in one line naming `dbt build`.

When tagifai's own build (make build, Dagster) already holds a stage, because it loaded the sources into
it first, it hands the stage to dbt through $TAGIFAI_HELD_STAGE and publishes it itself.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any, NoReturn

from dbt.adapters.duckdb.plugins import BasePlugin

from tagifai.cli_support import EXIT_BUSY, EXIT_FAILED
from tagifai.errors import TagifaiError
from tagifai.pipeline.dbt_session import close_dbt_duckdb
from tagifai.warehouse.staging import HELD_STAGE_ENV, StagedWrite, WarehouseBusyError, held_stage_path

# dbt-duckdb may create its environment (and so this plugin) more than once in one command; the staged
# write belongs to the process's command, so it is kept here, once, and reused.
_ACTIVE: dict[Path, StagedWrite] = {}

WRITING_COMMANDS = frozenset({"build", "run", "test", "seed", "snapshot", "retry", "run-operation", "clone"})
# Writing commands that read the sources: on a fresh clone (no warehouse) they load them first. `dbt seed`
# needs no source, and `dbt test` on nothing has nothing to judge (it stops, naming dbt build).
LOADING_COMMANDS = frozenset({"build", "run", "snapshot", "retry"})
# Commands that judge and change no table: their results (build_log.build_results, stored failures) are
# published even when a test fails, so a failing `dbt test` blocks the next release.
JUDGING_COMMANDS = frozenset({"test"})


def _say(line: str) -> None:
    """A line of the plugin's own, after dbt's: on stdout, where dbt prints its summary."""
    sys.stdout.flush()
    print(f"tagifai: {line}", flush=True)


def _stop(line: str, exit_code: int) -> NoReturn:
    """End the command with one line: nothing was staged or written, and dbt would add a traceback."""
    sys.stderr.flush()
    _say(line)
    # multiprocessing's resource tracker would warn about dbt's semaphores once this process is gone.
    from multiprocessing import resource_tracker

    tracker_pid = getattr(resource_tracker._resource_tracker, "_pid", None)
    if tracker_pid:
        os.kill(tracker_pid, signal.SIGKILL)
    os._exit(exit_code)


def _command() -> str:
    from dbt.flags import get_flags

    return str(getattr(get_flags(), "WHICH", "") or "")


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self.command = _command()
        self.published = Path(self.creds.path).expanduser().resolve()
        self.read_only = self.command not in WRITING_COMMANDS
        self.write: StagedWrite | None = None
        if (self.read_only or self.command in JUDGING_COMMANDS) and not self.published.exists():
            _stop(
                f"no warehouse at {self.published} yet: run `dbt build` (or make build) first, which loads "
                "the sources and builds it",
                EXIT_FAILED,
            )
        if self.read_only:
            return
        try:
            self._open_stage()
        except WarehouseBusyError as exc:
            _stop(f"{exc}; nothing was changed", EXIT_BUSY)
        except TagifaiError as exc:
            _stop(f"{exc}; nothing was changed, {self.published} is as it was", EXIT_FAILED)

    def _open_stage(self) -> None:
        from tagifai.pipeline.labeling_check import check_labeling_functions

        check_labeling_functions()
        held = os.environ.get(HELD_STAGE_ENV)
        if held:
            stage = held_stage_path(self.published, held)
        elif self.published in _ACTIVE:
            stage = _ACTIVE[self.published].stage.path
        else:
            self.write = StagedWrite(self.published)
            stage = self.write.begin()
            _ACTIVE[self.published] = self.write
            if not self.published.exists() and self.command in LOADING_COMMANDS:
                self._load_sources(stage)
            from dbt_common.events.event_manager_client import add_callback_to_manager

            add_callback_to_manager(self._on_event)
        # The copy has the published file's name (its database name), in the staging folder.
        self.creds.path = str(stage)

    def _load_sources(self, stage: Path) -> None:
        from tagifai.ingest.api import LoadOptions, load_into

        _say(f"no warehouse at {self.published} yet: loading the sources first ($TAGIFAI_DATA_DIR, else the URLs)")
        try:
            load_into(stage, LoadOptions())
        except BaseException:
            assert self.write is not None
            _ACTIVE.pop(self.published, None)
            self.write.abort()
            raise

    def update_connection_config(self, creds: Any, config: dict[str, Any]) -> None:
        config["access_mode"] = "read_only" if self.read_only else "read_write"

    def _recorded_results(self, write: StagedWrite) -> bool:
        """Whether this invocation's on-run-end hook recorded its results in the stage (it did not, when dbt
        stopped before running: a compile error)."""
        import duckdb
        from dbt_common.invocation import get_invocation_id

        try:
            with duckdb.connect(str(write.stage.path), read_only=True) as con:
                found = con.execute(
                    "select count(*) from build_log.build_results where invocation_id = ?", [get_invocation_id()]
                ).fetchone()
        except duckdb.Error:
            return False
        return bool(found and found[0])

    def _on_event(self, msg: Any) -> None:
        if msg.info.name != "CommandCompleted" or self.write is None:
            return
        write, self.write = self.write, None
        _ACTIVE.pop(self.published, None)
        try:
            close_dbt_duckdb()
            if msg.data.success:
                write.commit()
                _say(f"published {self.published} (dbt {self.command} succeeded)")
            elif self.command in JUDGING_COMMANDS and self._recorded_results(write):
                write.commit()
                _say(
                    f"dbt {self.command} failed: its results are published in build_log.build_results (a failing "
                    f"error test blocks the next release); no table of {self.published} changed"
                )
            else:
                write.abort()
                _say(f"dbt {self.command} did not succeed: nothing published, {self.published} is unchanged")
        except Exception as exc:  # noqa: BLE001 - a failed publish must still say so, last
            write.abort()
            _say(f"publishing failed ({exc}): nothing published, {self.published} is unchanged")
