"""The release folder: one sub-folder per version, written whole or not at all, and verified on read.

A release is written into a hidden `.partial-<version>-<pid>` folder beside the others, under an exclusive
lock, and renamed to `<version>` in one `rename(2)` once its Parquet and manifest are flushed to disk. A
release killed at any point leaves at most a hidden partial folder, which readers never list and the next
release removes. Readers verify the Parquet's sha256 and the rows' content hash against the manifest.

Only the standard library and DuckDB: `tagifai.dataset` (training code) imports this module.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from tagifai import settings
from tagifai.errors import TagifaiError
from tagifai.warehouse.staging import exclusive_lock

RELEASE_DIR_ENV = "TAGIFAI_RELEASE_DIR"
DATA_FILE = "labeled_projects.parquet"
# Every loaded project's tags as its author wrote them, so a diff can show source changes that the
# labeling rules filter out (e.g. a tag corrected outside the taxonomy).
AUTHOR_TAGS_FILE = "author_tags.parquet"
MANIFEST_FILE = "manifest.json"
MANIFEST_FORMAT = 1
PARTIAL_PREFIX = ".partial-"
# A version names a folder: letters, digits, '.', '_', '-', starting with a letter or digit; no '/' or '..'.
VERSION_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
COLUMNS = ("id", "title", "description", "text", "tags", "created_on")
HASH_BATCH_ROWS = 10_000


class ReleaseError(TagifaiError):
    """A release could not be written, found or trusted."""


def release_dir(cli_value: str | None = None) -> Path:
    """The release folder: --release-dir, else $TAGIFAI_RELEASE_DIR, else releases/ in the project."""
    value = cli_value or os.environ.get(RELEASE_DIR_ENV)
    return Path(value).expanduser().resolve() if value else settings.PROJECT_ROOT / "releases"


def check_version(version: str) -> str:
    """`version` if it is a safe folder name; ReleaseError otherwise (path separators, '..', control chars)."""
    if not isinstance(version, str) or VERSION_PATTERN.fullmatch(version) is None or ".." in version:
        raise ReleaseError(
            f"release version {version!r} is not allowed: use 1-64 letters, digits, '.', '_' or '-', starting "
            "with a letter or digit, without '..' (e.g. 2021-03)"
        )
    return version


def version_folder(root: Path, version: str) -> Path:
    """The folder of `version` under `root`, refusing a name or a symlink that would lead outside it."""
    folder = root / check_version(version)
    if folder.is_symlink() or (folder.exists() and folder.resolve().parent != root.resolve()):
        raise ReleaseError(f"{folder}: a release folder must be a plain folder inside {root}, not a link")
    return folder


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in blocks (a projects file can be gigabytes)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _canonical(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return value


def content_hash(con: duckdb.DuckDBPyConnection, table: str) -> tuple[str, int]:
    """(sha256 of the rows, row count) of `table` (a name this module chooses, never user input): every
    column of COLUMNS, rows by id, one canonical JSON line each.

    Computed the same way from the warehouse (on release) and from the Parquet file (on load), so it
    depends on the rows only, not on the file's encoding or the order they were written in.
    """
    digest = hashlib.sha256()
    n_rows = 0
    cursor = con.cursor()
    try:
        cursor.execute(f"select {', '.join(COLUMNS)} from {table} order by id")
        while batch := cursor.fetchmany(HASH_BATCH_ROWS):
            for row in batch:
                line = json.dumps(_canonical(list(row)), ensure_ascii=False, separators=(",", ":"))
                digest.update(line.encode())
                digest.update(b"\n")
                n_rows += 1
    finally:
        cursor.close()
    return digest.hexdigest(), n_rows


def release_lock(root: Path) -> AbstractContextManager[None]:
    """Hold the release folder's lock (released by the OS if the process dies); one release at a time."""
    return exclusive_lock(
        root / ".lock",
        f"{root}: another tagifai-release is writing a release here; wait for it to finish and run again",
    )


def remove_partials(root: Path) -> None:
    """Remove the hidden folders of releases that were interrupted (call with the lock held)."""
    for leftover in root.glob(f"{PARTIAL_PREFIX}*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover)


@dataclass(frozen=True)
class Release:
    version: str
    folder: Path
    manifest: dict[str, Any]


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST_FILE
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ReleaseError(f"{path}: no manifest; this is not a complete release, release again") from exc
    except (OSError, ValueError) as exc:
        raise ReleaseError(f"{path}: unreadable manifest ({exc}); release again") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise ReleaseError(f"{path}: not a tagifai release manifest (format {MANIFEST_FORMAT}); release again")
    if manifest.get("version") != folder.name:
        raise ReleaseError(f"{path}: the manifest names version {manifest.get('version')!r}, not the folder's")
    return manifest


def releases(root: Path) -> list[Release]:
    """The complete releases under `root` (by manifest), oldest first; hidden and partial folders are skipped."""
    found = []
    if not root.is_dir():
        return found
    for folder in root.iterdir():
        if folder.name.startswith(".") or not folder.is_dir() or folder.is_symlink():
            continue
        if VERSION_PATTERN.fullmatch(folder.name) is None or ".." in folder.name:
            continue
        try:
            manifest = read_manifest(folder)
        except ReleaseError:
            continue
        found.append(Release(folder.name, folder, manifest))
    return sorted(found, key=lambda release: (release.manifest.get("released_at", ""), release.version))


def find(root: Path, version: str | None) -> Release:
    """The release `version` under `root`, or the latest one when `version` is None."""
    if version is None:
        found = releases(root)
        if not found:
            raise ReleaseError(f"{root}: no release yet; run `make release` (tagifai-release) first")
        return found[-1]
    folder = version_folder(root, version)
    if not folder.is_dir():
        raise ReleaseError(f"{root}: no release {version!r}; `tagifai-release list` shows the releases")
    return Release(version, folder, read_manifest(folder))


def verified_file(release: Release, name: str) -> Path:
    """The release's file `name`, after checking its sha256 against the manifest."""
    path = release.folder / name
    if not path.is_file() or path.is_symlink():
        raise ReleaseError(f"{path}: missing; the release is incomplete, do not use it")
    expected = release.manifest.get("files", {}).get(name, {}).get("sha256")
    actual = file_sha256(path)
    if actual != expected:
        raise ReleaseError(
            f"{path}: sha256 {actual[:12]}... does not match the manifest's {str(expected)[:12]}...; the file "
            "was changed or truncated, do not use it: release again"
        )
    return path


def verify(release: Release) -> duckdb.DuckDBPyConnection:
    """Check the release's Parquet against its manifest; return a connection with the rows as view `release`."""
    data = verified_file(release, DATA_FILE)
    con = duckdb.connect()
    try:
        con.read_parquet(str(data)).create_view("release")
        digest, n_rows = content_hash(con, "release")
    except duckdb.Error as exc:
        con.close()
        raise ReleaseError(f"{data}: unreadable Parquet ({exc}); release again") from exc
    if digest != release.manifest.get("content_hash") or n_rows != release.manifest.get("row_count"):
        con.close()
        raise ReleaseError(
            f"{data}: the rows do not match the manifest's content hash; the release was tampered with, do "
            "not use it: release again"
        )
    return con
