"""`tagifai-build-spark`: load and validate the JSON (DuckDB), export raw.* to Parquet, `dbt build` on Spark.

The same loader checks the data for both engines; Spark then reads the checked tables from Parquet (see
export.py). dbt runs with the `spark` target of profiles.yml, whose default selector (selectors.yml)
leaves out the nodes tagged `duckdb_only` and names each one it leaves out.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from tagifai import cli_support, settings
from tagifai.errors import TagifaiError
from tagifai.ingest.api import load
from tagifai.ingest.cli import add_load_arguments, load_options
from tagifai.spark.export import export_raw

TARGET_ENV = "TAGIFAI_TARGET"


def spark_env(base: dict[str, str], spark_dir: Path, raw_dir: Path) -> dict[str, str]:
    """Environment for dbt on the spark target, with absolute Spark paths."""
    return {
        **base,
        TARGET_ENV: "spark",
        settings.SPARK_DIR_ENV: str(spark_dir),
        settings.SPARK_RAW_DIR_ENV: str(raw_dir),
    }


def main(argv: list[str] | None = None) -> int:
    parser = add_load_arguments(
        cli_support.parser(
            "tagifai-build-spark",
            "Load the data, export it for Spark, then run `dbt build` on the spark target (args after --).",
        )
    )
    parser.add_argument(
        "--spark-dir", help=f"folder for the metastore, warehouse and raw Parquet (default: ${settings.SPARK_DIR_ENV})"
    )
    parser.add_argument("dbt_args", nargs=argparse.REMAINDER, help="passed to dbt build (after --)")
    args = parser.parse_args(argv)
    cli_support.configure_logging("tagifai-build-spark", args.verbose, args.quiet)
    spark_dir = Path(args.spark_dir).resolve() if args.spark_dir else settings.spark_dir()
    raw_dir = settings.spark_raw_dir() if not args.spark_dir else spark_dir / "raw"
    db_path = cli_support.warehouse_path(args.duckdb_path)
    try:
        load(db_path, load_options(args))
        for report in export_raw(db_path, raw_dir):
            print(f"tagifai-export-spark: {report.summary()}", flush=True)
    except (TagifaiError, duckdb.Error, OSError) as exc:
        print(f"tagifai-build-spark: error: {exc}", file=sys.stderr)
        return 1
    spark_dir.mkdir(parents=True, exist_ok=True)
    env = spark_env(dict(os.environ), spark_dir, raw_dir)
    env[settings.DUCKDB_PATH_ENV] = str(db_path)
    extra = [a for a in args.dbt_args if a != "--"]
    root = str(settings.PROJECT_ROOT)
    dbt = str(Path(sys.executable).parent / "dbt")
    command = [dbt, "build", "--project-dir", root, "--profiles-dir", root, *extra]
    return subprocess.call(command, env=env, cwd=spark_dir)


if __name__ == "__main__":
    sys.exit(main())
