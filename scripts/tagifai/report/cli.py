"""`tagifai-report`: write the exploration charts (PNG) and one self-contained HTML page."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import matplotlib.pyplot as plt

from tagifai import cli_support, settings
from tagifai.report.charts import prevalence_chart, sweep_chart, tag_frequency_chart
from tagifai.report.data import read_report_data
from tagifai.report.html import render

CHARTS = {
    "tag_frequency": tag_frequency_chart,
    "threshold_sweep": sweep_chart,
    "unknown_tag_prevalence": prevalence_chart,
}
DEFAULT_OUT_DIR = settings.PROJECT_ROOT / "reports"


log = logging.getLogger("tagifai.report")


def write_report(db_path: Path, out_dir: Path, top_n: int = 60) -> dict[str, Path]:
    """Write <name>.png for each chart and report.html into `out_dir`; return name -> path."""
    data = read_report_data(db_path, top_n)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, draw in CHARTS.items():
        fig = draw(data)
        paths[name] = out_dir / f"{name}.png"
        fig.savefig(paths[name], dpi=110)
        plt.close(fig)
    paths["html"] = out_dir / "report.html"
    paths["html"].write_text(render(data, paths, str(db_path)), encoding="utf-8")
    return paths


def main(argv: list[str] | None = None) -> int:
    """`tagifai-report`: the charts and the HTML report of the warehouse."""
    parser = cli_support.parser("tagifai-report", "Write the label-exploration charts and HTML report.")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR, help="where to write (default: reports/)")
    parser.add_argument("--top-n", type=int, default=60, help="tags in the frequency chart (default: 60)")

    def report(args: argparse.Namespace) -> None:
        paths = write_report(cli_support.warehouse_path(args.duckdb_path), args.out_dir.resolve(), args.top_n)
        for name, path in paths.items():
            log.info(f"{name}: {path}")

    return cli_support.run("tagifai-report", parser, report, argv)


if __name__ == "__main__":
    sys.exit(main())
