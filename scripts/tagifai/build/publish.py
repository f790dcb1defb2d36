"""Publish a new warehouse atomically, so readers never wait for a build and never see half of one.

DuckDB lets one process write a file, and a reader holding the file blocks a writer (and the other way
round). So nothing ever writes the published file. A build copies it into a staging folder beside it,
loads and builds the copy, and renames the finished copy over the published path in one `rename(2)`:

- a reader that opened the warehouse before the rename keeps reading the old file (its open file stays
  intact) until it reconnects; a reader that opens after it gets the new file. Nobody sees a mix;
- a build that fails or is killed leaves the published file untouched (the copy is kept for inspection,
  and the next build starts from a fresh copy);
- two builds at once are refused: a lock in the staging folder (released by the OS if a build dies).

The staged file keeps the published file's name (only its folder differs) because DuckDB names the
database after the file, and dbt writes that name into every view it creates.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from tagifai.errors import TagifaiError
from tagifai.pause import pause_point


class BuildInProgressError(TagifaiError):
    """Another build or load holds the staging lock of this warehouse."""


def staging_dir(published: Path) -> Path:
    """The folder, beside the warehouse, where the next version is built: .<name>.staging/."""
    return published.parent / f".{published.name}.staging"


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _lock(folder: Path) -> Iterator[None]:
    with (folder / "lock").open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildInProgressError(
                f"{folder}: another load or build of this warehouse is running; wait for it to finish"
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def writer_lock(published: Path) -> Iterator[None]:
    """Hold the warehouse's writer lock: one load or build at a time, staged or in place (otherwise a
    staged build publishing after an in-place load would silently drop that load)."""
    folder = staging_dir(published)
    folder.mkdir(parents=True, exist_ok=True)
    with _lock(folder):
        yield


def _finish(staged: Path) -> None:
    """Fold the staged file's write-ahead log into it, then flush it to disk."""
    with duckdb.connect(str(staged)) as con:
        con.execute("checkpoint")
    _fsync(staged)


@contextmanager
def staged_copy(published: Path) -> Iterator[Path]:
    """Yield a private copy of `published` to write; publish it when the block ends without an error.

    On an error (or a kill) the published file is untouched and the error propagates.
    """
    folder = staging_dir(published)
    folder.mkdir(parents=True, exist_ok=True)
    with _lock(folder):
        staged = folder / published.name
        for leftover in (staged, _wal(staged)):
            leftover.unlink(missing_ok=True)
        if published.exists():
            shutil.copyfile(published, staged)
            if _wal(published).exists():  # a direct writer crashed: its log is replayed into the copy
                shutil.copyfile(_wal(published), _wal(staged))
        pause_point("staged-copy")
        yield staged
        _finish(staged)
        pause_point("before-publish")
        # The published file's log (if a direct writer left one) is now inside the copy; a stale log
        # beside the new file would be replayed onto it, so it goes first.
        _wal(published).unlink(missing_ok=True)
        os.replace(staged, published)
        _fsync(published.parent)
