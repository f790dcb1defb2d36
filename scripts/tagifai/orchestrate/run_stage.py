"""A staged copy of the warehouse that outlives one step: the load writes it, the dbt step builds and publishes it.

`make build` loads and builds one staged copy inside one process (tagifai.build.publish.staged_copy). A
Dagster run does the same in separate steps, which may be separate processes, so the copy lives in the
staging folder under the run's id. Publishing is the same atomic rename, and it refuses when the published
file changed after the copy was taken (another build published meanwhile): that build's work would be lost.
A run that fails leaves the published warehouse as it was.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tagifai.build.publish import staging_dir, writer_lock
from tagifai.errors import TagifaiError

RUN_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


class StaleStageError(TagifaiError):
    """The published warehouse changed after this run copied it."""


def _identity(path: Path) -> list[int] | None:
    """What tells one published file from the next: a publish is a rename, so the inode changes."""
    if not path.exists():
        return None
    stat = path.stat()
    return [stat.st_ino, stat.st_mtime_ns, stat.st_size]


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


@dataclass(frozen=True)
class RunStage:
    """The staged copy of `published` that the run `run_id` writes."""

    published: Path
    run_id: str

    def __post_init__(self) -> None:
        if not RUN_ID.fullmatch(self.run_id):
            raise TagifaiError(f"run id {self.run_id!r}: expected letters, digits and dashes")

    @property
    def folder(self) -> Path:
        return staging_dir(self.published) / "runs" / self.run_id

    @property
    def path(self) -> Path:
        # The published file's name: DuckDB names the database after the file and dbt writes that name into views.
        return self.folder / self.published.name

    @property
    def _origin(self) -> Path:
        return self.folder / "origin.json"

    def open(self) -> Path:
        """Copy the published warehouse (if any) into this run's folder, and remember which file it was."""
        with writer_lock(self.published):
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.mkdir(parents=True)
            if self.published.exists():
                shutil.copyfile(self.published, self.path)
                if _wal(self.published).exists():
                    shutil.copyfile(_wal(self.published), _wal(self.path))
            self._origin.write_text(json.dumps(_identity(self.published)))
        return self.path

    def exists(self) -> bool:
        """Whether this run has opened its staged copy (its load step ran)."""
        return self._origin.exists()

    def require(self) -> Path:
        """The staged file, which the load step of this run must have written."""
        if not self._origin.exists():
            raise TagifaiError(f"{self.folder}: no staged warehouse for run {self.run_id}; materialize the load first")
        return self.path

    def publish(self) -> None:
        """Replace the published warehouse with the staged copy in one rename, then drop the run's folder."""
        self.require()
        with writer_lock(self.published):
            if json.loads(self._origin.read_text()) != _identity(self.published):
                raise StaleStageError(
                    f"{self.published}: published by another build after this run started; nothing was "
                    "published, run it again"
                )
            with duckdb.connect(str(self.path)) as con:
                con.execute("checkpoint")
            _wal(self.published).unlink(missing_ok=True)
            os.replace(self.path, self.published)
            fd = os.open(self.published.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def discard_stale_stages(published: Path, keep: set[str]) -> list[str]:
    """Remove the staged copies of runs not in `keep` (failed or killed runs); return their ids."""
    runs = staging_dir(published) / "runs"
    removed = []
    if runs.is_dir():
        for folder in runs.iterdir():
            if folder.name not in keep:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder.name)
    return sorted(removed)
