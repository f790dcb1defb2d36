"""Land the validated raw tables for Spark: export raw.* from the DuckDB warehouse to Parquet folders.

The loader validates and lands the JSON in DuckDB (raw.*); this module copies those tables, unchanged, to
one Parquet folder per table (`<raw_dir>/<table>/data.parquet`). dbt's `register_raw_tables` hook (run at
the start of every dbt command on the spark target) declares each folder as the external table raw.<table>.
Parquet keeps the types (bigint ids, string lists, timestamps), so Spark reads exactly what DuckDB checked.

Each folder is replaced whole: the new files are written beside it and swapped in by renames, so a failed
export leaves the previous one readable.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tagifai import settings
from tagifai.errors import TagifaiError

RAW_TABLES = (
    "projects",
    "tags",
    "rejected_records",
    "load_log",
    "annotations",
    "example_annotations",
    "annotation_events",
)
REQUIRED_TABLES = ("projects", "tags")


@dataclass(frozen=True)
class ExportReport:
    """What the export of one table did."""

    table: str
    n_rows: int
    folder: Path
    seconds: float

    def summary(self) -> str:
        return f"raw.{self.table}: {self.n_rows} rows -> {self.folder} ({self.seconds:.2f} s)"


def _existing_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("select table_name from information_schema.tables where table_schema = 'raw'").fetchall()
    return {name for (name,) in rows}


def _swap_in(staged: Path, folder: Path) -> None:
    """Replace `folder` with `staged` by renames (the old copy is removed last)."""
    old = folder.with_name(f".{folder.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    staged.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def export_raw(db_path: Path, raw_dir: Path) -> list[ExportReport]:
    """Write every raw table of the warehouse at `db_path` to `raw_dir/<table>/data.parquet`."""
    if not db_path.is_file():
        raise TagifaiError(
            f"{db_path}: warehouse not found; load the data first (tagifai-load) or set {settings.DUCKDB_PATH_ENV}"
        )
    raw_dir.mkdir(parents=True, exist_ok=True)
    reports = []
    with duckdb.connect(str(db_path), read_only=True) as con:
        present = _existing_tables(con)
        missing = [table for table in REQUIRED_TABLES if table not in present]
        if missing:
            raise TagifaiError(
                f"{db_path}: no raw.{', raw.'.join(missing)} table; run tagifai-load on this warehouse first"
            )
        for table in RAW_TABLES:
            if table not in present:
                continue
            started = time.perf_counter()
            folder = raw_dir / table
            staged = raw_dir / f".{table}.new"
            shutil.rmtree(staged, ignore_errors=True)
            staged.mkdir()
            target = staged / "data.parquet"
            con.execute(f"copy (select * from raw.{table}) to '{target}' (format parquet, compression zstd)")
            (n_rows,) = con.execute(f"select count(*) from raw.{table}").fetchone()
            _swap_in(staged, folder)
            reports.append(ExportReport(table, n_rows, folder, time.perf_counter() - started))
    return reports
