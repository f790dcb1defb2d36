"""Where data comes from and where the warehouse lives: environment variables and their defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# The public copies of the two files (GokuMohandas/madewithml). Used only when no data folder is given.
PUBLIC_URLS = {
    "projects": "https://raw.githubusercontent.com/GokuMohandas/madewithml/main/datasets/projects.json",
    "tags": "https://raw.githubusercontent.com/GokuMohandas/madewithml/main/datasets/tags.json",
}
FILE_NAMES = {"projects": "projects.json", "tags": "tags.json"}

DATA_DIR_ENV = "TAGIFAI_DATA_DIR"
DUCKDB_PATH_ENV = "TAGIFAI_DUCKDB_PATH"
DEFAULT_DUCKDB_PATH = PROJECT_ROOT / "warehouse" / "tagifai.duckdb"
# DuckDB's memory cap for the loader (profiles.yml reads the same variable for dbt). Above it DuckDB spills
# to <warehouse>.tmp/, so 20M projects (6 GB of JSON) load in bounded memory; DuckDB's own default is 80%
# of the machine's memory.
MEMORY_LIMIT_ENV = "TAGIFAI_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "4GB"


@dataclass(frozen=True)
class DownloadLimits:
    """Bounds on a download from a public URL."""

    max_bytes: int = 512 * 1024 * 1024
    timeout_s: float = 30.0


def duckdb_path() -> Path:
    """The warehouse file: $TAGIFAI_DUCKDB_PATH, else warehouse/tagifai.duckdb in the project."""
    value = os.environ.get(DUCKDB_PATH_ENV)
    return Path(value).expanduser().resolve() if value else DEFAULT_DUCKDB_PATH


def data_dir(cli_value: str | None) -> Path | None:
    """The local data folder from --data-dir or $TAGIFAI_DATA_DIR; None means the public URLs."""
    value = cli_value or os.environ.get(DATA_DIR_ENV)
    return Path(value).expanduser().resolve() if value else None


def duckdb_config() -> dict[str, str]:
    """Settings for the loader's DuckDB connection: the memory cap ($TAGIFAI_DUCKDB_MEMORY_LIMIT, else 4GB)."""
    return {"memory_limit": os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT}


# The spark target (profiles.yml): metastore, Spark warehouse and the raw Parquet tables live in one folder.
SPARK_DIR_ENV = "TAGIFAI_SPARK_DIR"
SPARK_RAW_DIR_ENV = "TAGIFAI_SPARK_RAW_DIR"
DEFAULT_SPARK_DIR = PROJECT_ROOT / "warehouse" / "spark"


def spark_dir() -> Path:
    """The local Spark folder: $TAGIFAI_SPARK_DIR, else warehouse/spark in the project."""
    value = os.environ.get(SPARK_DIR_ENV)
    return Path(value).expanduser().resolve() if value else DEFAULT_SPARK_DIR


def spark_raw_dir() -> Path:
    """Where raw.* is exported as Parquet for Spark: $TAGIFAI_SPARK_RAW_DIR, else <spark dir>/raw."""
    value = os.environ.get(SPARK_RAW_DIR_ENV)
    return Path(value).expanduser().resolve() if value else spark_dir() / "raw"
