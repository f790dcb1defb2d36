"""The staged publish: the one module that writes the published warehouse file.

DuckDB lets one process write a file, and a reader holding the file blocks a writer (and the other way
round). So nothing ever writes the published file in place. A writer copies it into a staging folder
beside it, writes the copy, and renames the finished copy over the published path in one `rename(2)`:

- a reader that opened the warehouse before the rename keeps reading the old file (its open file stays
  intact) until it reconnects; a reader that opens after it gets the new file. Nobody sees a mix;
- a writer that fails or is killed leaves the published file untouched; the next one starts from a fresh
  copy;
- two writers at once: the second is refused (a lock in the staging folder, released by the OS when the
  process holding it dies);
- a stage that outlives its process (a Dagster run's steps) remembers which published file it copied, and
  is refused if another writer published meanwhile: that writer's work would be lost.

The staged file keeps the published file's name (only its folder differs) because DuckDB names the
database after the file, and dbt writes that name into every view it creates.

Every writer uses this module: dbt's own commands (dbt_plugin.py), `tagifai-load`, `tagifai-build`
(make build), `tagifai-annotate pull` and Dagster. The release store uses its lock and fsync.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import duckdb

from tagifai.errors import TagifaiError
from tagifai.pause import pause_point

ORIGIN_FILE = "origin.json"


class WarehouseBusyError(TagifaiError):
    """Another writer holds the warehouse's lock."""


class StalePublishError(TagifaiError):
    """The published warehouse changed after this stage copied it."""


def staging_dir(published: Path) -> Path:
    """The folder, beside the warehouse, where the next version is written: .<name>.staging/."""
    return published.parent / f".{published.name}.staging"


def wal_of(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def fsync_path(path: Path) -> None:
    """Flush a file's (or a folder's) content to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def identity(path: Path) -> list[int] | None:
    """What tells one published file from the next: a publish is a rename, so the inode changes."""
    if not path.exists():
        return None
    stat = path.stat()
    return [stat.st_ino, stat.st_mtime_ns, stat.st_size]


def acquire_lock(lock_file: Path, busy: str) -> IO[str]:
    """Take an exclusive lock on `lock_file` (released by the OS if the process dies); the open handle
    holds it. WarehouseBusyError(`busy`, plus who holds it) when another process has it."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    handle = lock_file.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        raise WarehouseBusyError(f"{busy}{f' ({holder})' if holder else ''}") from exc
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}")
    handle.flush()
    return handle


def release_lock(handle: IO[str]) -> None:
    fcntl.flock(handle, fcntl.LOCK_UN)
    handle.close()


@contextmanager
def exclusive_lock(lock_file: Path, busy: str) -> Iterator[None]:
    """Hold the lock of `lock_file` for the block (see acquire_lock)."""
    handle = acquire_lock(lock_file, busy)
    try:
        yield
    finally:
        release_lock(handle)


def _busy_message(published: Path) -> str:
    return f"{published}: refused: another writer (dbt, make build, tagifai-load) is changing it; run again later"


@contextmanager
def writer_lock(published: Path) -> Iterator[None]:
    """Hold the warehouse's writer lock: one writer at a time."""
    with exclusive_lock(staging_dir(published) / "lock", _busy_message(published)):
        yield


@dataclass
class Stage:
    """A private copy of the warehouse `published`, in `folder`, to write and then publish."""

    published: Path
    folder: Path
    _lock: IO[str] | None = field(default=None, repr=False)

    @property
    def path(self) -> Path:
        return self.folder / self.published.name

    @property
    def _origin(self) -> Path:
        return self.folder / ORIGIN_FILE

    def copy_published(self) -> Path:
        """Replace the folder's content with a copy of the published file (and its log, if a crashed
        in-place writer left one), and remember which published file it was."""
        for leftover in (self.path, wal_of(self.path), self._origin):
            leftover.unlink(missing_ok=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.published.exists():
            shutil.copyfile(self.published, self.path)
            if wal_of(self.published).exists():
                shutil.copyfile(wal_of(self.published), wal_of(self.path))
        self._origin.write_text(json.dumps(identity(self.published)))
        pause_point("staged-copy")
        return self.path

    def is_open(self) -> bool:
        return self._origin.exists()

    def publish(self) -> None:
        """Fold the copy's log into it, flush it, and rename it over the published file (the caller holds
        the writer lock). StalePublishError if another writer published after the copy was taken."""
        if not self.is_open():
            raise TagifaiError(f"{self.folder}: no staged warehouse to publish; copy the warehouse first")
        if json.loads(self._origin.read_text()) != identity(self.published):
            raise StalePublishError(
                f"{self.published}: published by another writer after this one copied it; nothing was "
                "published, run it again"
            )
        with duckdb.connect(str(self.path)) as con:
            con.execute("checkpoint")
        fsync_path(self.path)
        pause_point("before-publish")
        # The published file's log (if an in-place writer left one) is now inside the copy; a stale log
        # beside the new file would be replayed onto it, so it goes first.
        wal_of(self.published).unlink(missing_ok=True)
        os.replace(self.path, self.published)
        fsync_path(self.published.parent)
        self._origin.unlink(missing_ok=True)

    def discard(self) -> None:
        """Forget the copy (a failed writer): the published file stays as it was."""
        for leftover in (self.path, wal_of(self.path), self._origin):
            leftover.unlink(missing_ok=True)


class StagedWrite:
    """One writer's staged publish, for code that cannot hold a `with` block (the dbt plugin):
    `begin()` locks and copies, then exactly one of `commit()` (publish) or `abort()`."""

    def __init__(self, published: Path) -> None:
        self.published = published
        self.stage = Stage(published, staging_dir(published))
        self._lock: IO[str] | None = None

    def begin(self) -> Path:
        self._lock = acquire_lock(staging_dir(self.published) / "lock", _busy_message(self.published))
        try:
            return self.stage.copy_published()
        except BaseException:
            self._unlock()
            raise

    def commit(self) -> None:
        try:
            self.stage.publish()
        finally:
            self._unlock()

    def abort(self) -> None:
        try:
            self.stage.discard()
        finally:
            self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            release_lock(self._lock)
            self._lock = None


@contextmanager
def staged_write(published: Path) -> Iterator[Path]:
    """Yield a private copy of `published` to write; publish it when the block ends without an error.

    On an error (or a kill) the published file is untouched and the error propagates."""
    published.parent.mkdir(parents=True, exist_ok=True)
    write = StagedWrite(published)
    path = write.begin()
    try:
        yield path
    except BaseException:
        write.abort()
        raise
    write.commit()


def run_stage(published: Path, run_id: str) -> Stage:
    """The stage of one multi-step run (a Dagster run): its own folder, kept between processes."""
    return Stage(published, staging_dir(published) / "runs" / run_id)


def open_run_stage(stage: Stage) -> Path:
    """Copy the published warehouse into a run's stage, under the writer lock."""
    with writer_lock(stage.published):
        return stage.copy_published()


def publish_run_stage(stage: Stage) -> None:
    """Publish a run's stage under the writer lock, then remove its folder."""
    with writer_lock(stage.published):
        stage.publish()
    shutil.rmtree(stage.folder, ignore_errors=True)


def discard_stale_run_stages(published: Path, keep: set[str]) -> list[str]:
    """Remove the stages of runs not in `keep` (failed or killed runs); return their ids."""
    runs = staging_dir(published) / "runs"
    removed = []
    if runs.is_dir():
        for folder in runs.iterdir():
            if folder.name not in keep:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder.name)
    return sorted(removed)


HELD_STAGE_ENV = "TAGIFAI_HELD_STAGE"


def held_stage_path(published: Path, value: str) -> Path:
    """The stage a calling writer holds and hands to dbt through $TAGIFAI_HELD_STAGE; it must be a staged
    copy of `published` (inside its staging folder) that exists."""
    path = Path(value).expanduser().resolve()
    root = staging_dir(published).resolve()
    if root not in path.parents or path.name != published.name or not path.exists():
        raise TagifaiError(
            f"${HELD_STAGE_ENV}={value}: not a staged copy of {published} (set only by tagifai's own "
            f"build for the dbt it runs); unset it and run again"
        )
    return path
