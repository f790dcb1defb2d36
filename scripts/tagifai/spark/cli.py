"""`tagifai-build-spark` (main) and `tagifai-export-spark` (export_main): the Spark target's commands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tagifai import cli_support, settings
from tagifai.errors import TagifaiError
from tagifai.ingest.api import load
from tagifai.ingest.cli import add_load_arguments, load_options
from tagifai.spark.build import build_on_spark
from tagifai.spark.export import export_raw


def _build_arguments() -> argparse.ArgumentParser:
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """`tagifai-build-spark`: load (DuckDB checks the data), export raw.* to Parquet, `dbt build` on Spark."""
    exit_code = cli_support.EXIT_OK

    def build(args: argparse.Namespace) -> None:
        nonlocal exit_code
        spark_dir = Path(args.spark_dir).expanduser().resolve() if args.spark_dir else settings.spark_dir()
        raw_dir = spark_dir / "raw" if args.spark_dir else settings.spark_raw_dir()
        db_path = cli_support.warehouse_path(args.duckdb_path)
        load(db_path, load_options(args))
        exit_code = build_on_spark(db_path, spark_dir, raw_dir, [a for a in args.dbt_args if a != "--"])
        if exit_code != 0:
            raise TagifaiError(f"dbt build on Spark failed (exit {exit_code}); see its output above")

    return cli_support.run("tagifai-build-spark", _build_arguments(), build, argv) or exit_code


def export_main(argv: Sequence[str] | None = None) -> int:
    """`tagifai-export-spark`: export the loaded raw tables to Parquet folders for the spark target."""
    parser = cli_support.parser("tagifai-export-spark", "Export the loaded raw.* tables to Parquet for Spark.")
    parser.add_argument(
        "--raw-dir",
        help=f"folder for the Parquet tables (default: ${settings.SPARK_RAW_DIR_ENV}, else <spark dir>/raw)",
    )

    def export(args: argparse.Namespace) -> None:
        raw_dir = Path(args.raw_dir).expanduser().resolve() if args.raw_dir else settings.spark_raw_dir()
        for report in export_raw(cli_support.warehouse_path(args.duckdb_path), raw_dir):
            cli_support.log.info(report.summary())

    return cli_support.run("tagifai-export-spark", parser, export, argv)


if __name__ == "__main__":
    sys.exit(main())
