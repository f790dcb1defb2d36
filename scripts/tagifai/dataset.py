"""The released dataset for training code: `from tagifai.dataset import load; df = load()`.

Needs only DuckDB and pandas (no dbt, no warehouse). Every load checks the release against its manifest
(the Parquet's sha256 and the rows' content hash) and refuses a tampered or incomplete release.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from tagifai.release.store import Release, find, release_dir, releases, verify


def load(version: str | None = None, release_dir_path: str | Path | None = None) -> pd.DataFrame:
    """The release `version` (default: the latest) as a DataFrame: id, title, description, text, tags
    (Python lists, in the author's order), plus created_on when the release has it. Rows by id."""
    release = find(_root(release_dir_path), version)
    con = verify(release)
    try:
        df = con.execute("select * from release order by id").df()
    finally:
        con.close()
    df["tags"] = [list(tags) for tags in df["tags"]]
    if "created_on" in df.columns and df["created_on"].isna().all():
        df = df.drop(columns=["created_on"])
    return df


def manifest(version: str | None = None, release_dir_path: str | Path | None = None) -> dict[str, Any]:
    """The manifest of release `version` (default: the latest): hash, counts, parameters, inputs, code, tests."""
    return find(_root(release_dir_path), version).manifest


def versions(release_dir_path: str | Path | None = None) -> list[str]:
    """The complete releases, oldest first."""
    return [release.version for release in releases(_root(release_dir_path))]


def _root(value: str | Path | None) -> Path:
    return release_dir(str(value) if value is not None else None)


__all__ = ["Release", "load", "manifest", "versions"]
