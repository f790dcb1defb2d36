"""`tagifai-build-spark`'s job: load and validate the JSON (DuckDB), export raw.* to Parquet, `dbt build` on Spark.

The same loader checks the data for both engines; Spark then reads the checked tables from Parquet (see
export.py). dbt runs with the `spark` target of profiles.yml, whose default selector (selectors.yml)
leaves out the nodes tagged `duckdb_only` and names each one it leaves out.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from tagifai import settings
from tagifai.spark.export import export_raw

log = logging.getLogger("tagifai.spark")

TARGET_ENV = "TAGIFAI_TARGET"


def spark_env(base: dict[str, str], spark_dir: Path, raw_dir: Path) -> dict[str, str]:
    """Environment for dbt on the spark target, with absolute Spark paths."""
    return {
        **base,
        TARGET_ENV: "spark",
        settings.SPARK_DIR_ENV: str(spark_dir),
        settings.SPARK_RAW_DIR_ENV: str(raw_dir),
    }


def build_on_spark(db_path: Path, spark_dir: Path, raw_dir: Path, dbt_args: list[str]) -> int:
    """Export the loaded raw tables of `db_path` to `raw_dir`, then `dbt build` on the spark target; dbt's exit code."""
    for report in export_raw(db_path, raw_dir):
        log.info(report.summary())
    spark_dir.mkdir(parents=True, exist_ok=True)
    env = spark_env(dict(os.environ), spark_dir, raw_dir)
    env[settings.DUCKDB_PATH_ENV] = str(db_path)
    root = str(settings.PROJECT_ROOT)
    dbt = str(Path(sys.executable).parent / "dbt")
    command = [dbt, "build", "--project-dir", root, "--profiles-dir", root, *dbt_args]
    return subprocess.call(command, env=env, cwd=spark_dir)
