"""When a learned table's inputs have not changed, keep it: an order-free fingerprint of what it reads.

label_issue_candidates and label_quality read every labeled project (cleanlab, metrics, a time-split fit):
rebuilding them when nothing they read changed costs minutes at millions of projects for the same rows.
They store the fingerprint of their inputs (column inputs_version) and recompute only when it moves.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import pandas as pd


def content_fingerprint(relation: Any, columns: str) -> str:
    """The row count and the sum of the rows' hashes over `columns`: order-free, one pass, no sort."""
    n_rows, hash_sum = relation.aggregate(f"count(*), coalesce(sum(hash({columns})), 0)").fetchall()[0]
    return f"{n_rows}:{hash_sum}"


def incremental_table_version(session: Any, this: Any, table: str) -> str:
    """The version of `table`, a project-batch model in this model's schema (macros/incremental/
    project_batch.sql), read from what it records, not from its rows: its table comment (the fingerprint of
    what every row shares, and the newest load built) and its row count (which a removed project lowers).
    At millions of projects this replaces hashing tens of millions of rows. A table that records nothing
    (built by an older release) gets a version never seen before: what reads it is computed again."""
    found = session.execute(
        "select comment from duckdb_tables() where database_name = ? and schema_name = ? and table_name = ?",
        [this.database, this.schema, table],
    ).fetchall()
    relation = f'"{this.database}"."{this.schema}"."{table}"'
    if not found:
        raise ValueError(f"{relation} does not exist: build it first (dbt build --select +{table})")
    (n_rows,) = session.execute(f"select count(*) from {relation}").fetchall()[0]
    comment = found[0][0]
    if not comment:
        return f"unrecorded:{uuid.uuid4()}"
    return f"{comment}:{n_rows}"


def inputs_version(*parts: object) -> str:
    """md5 of the parts (fingerprints, parameters) joined: the version of what a table was computed from."""
    return hashlib.md5("|".join(str(part) for part in parts).encode()).hexdigest()


def is_current(dbt: Any, session: Any, version: str) -> bool:
    """True when the incremental table already holds rows computed from `version` (nothing to redo)."""
    if not dbt.is_incremental:
        return False
    # A table built before it recorded its inputs (another release of tagifai) is recomputed.
    if "inputs_version" not in session.sql(f"select * from {dbt.this} limit 0").columns:
        return False
    return session.sql(f"select distinct inputs_version from {dbt.this}").fetchall() == [(version,)]


def computed_now() -> pd.Series:
    """The computed_at value of rows computed now (UTC, microseconds), as a one-row series."""
    return pd.Series([pd.Timestamp.now(tz="UTC")], dtype="datetime64[us, UTC]")


def clear_for_recompute(dbt: Any, session: Any) -> None:
    """Empty the incremental table before its new rows are appended (they replace every old row)."""
    if dbt.is_incremental:
        session.execute(f"delete from {dbt.this}")
