"""Helpers of the release tests: run `tagifai-release` as a user does, copy a warehouse, read a release's
Parquet and compute its content hash independently of tagifai's code."""

import hashlib
import json
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import duckdb

from support.commands import BIN


def release(db_path: Path, root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    """`tagifai-release release` of `db_path` into `root`, in its own process."""
    return subprocess.run(
        [str(BIN / "tagifai-release"), "--release-dir", str(root), "release", "--duckdb-path", str(db_path), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def copy_db(db_path: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "tagifai.duckdb"
    shutil.copyfile(db_path, target)
    return target


def _canonical(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return value


def parquet_rows(path: Path) -> list[dict]:
    """The rows of a release's Parquet file as Python values, in file order."""
    with duckdb.connect() as con:
        relation = con.read_parquet(str(path))
        columns = relation.columns
        return [dict(zip(columns, row, strict=True)) for row in relation.fetchall()]


def independent_content_hash(path: Path) -> tuple[str, int]:
    """(sha256, rows) of a release's Parquet file as docs/releases.md defines the content hash: the rows by
    id, each one JSON line of [id, title, description, text, tags, created_on] (timestamps as
    'YYYY-MM-DD HH:MM:SS', no spaces between items, non-ASCII kept), newline-terminated."""
    rows = sorted(parquet_rows(path), key=lambda row: row["id"])
    digest = hashlib.sha256()
    for row in rows:
        values = [row["id"], row["title"], row["description"], row["text"], list(row["tags"]), row["created_on"]]
        digest.update(json.dumps(_canonical(values), ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
    return digest.hexdigest(), len(rows)
