"""Smoke test of the benchmark (not a timed test): at one small generated size (the sizes it is run at are
generated) it runs every step, the implementations (full build, dataset-only build, pandas, baseline) agree,
and it writes results.json, results.md and the chart. The real size's figures (1444 projects, 35 tags) are
test_lesson_parity.py's."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.commands import REPO_ROOT

SMALL = 2 * 2032  # two whole blocks of the real data
RATIOS = {
    "pandas_over_pipeline": ("pandas", "pipeline"),
    "pipeline_over_baseline": ("pipeline", "baseline"),
    "pandas_over_dataset_pipeline": ("pandas", "dataset_pipeline"),
    "dataset_pipeline_over_baseline": ("dataset_pipeline", "baseline"),
    "pipeline_over_tuned_baseline": ("pipeline", "baseline_tuned"),
    "dataset_pipeline_over_tuned_baseline": ("dataset_pipeline", "baseline_tuned"),
    "growth_over_pipeline": ("growth_pipeline", "pipeline"),
}


def _within_rounding(ratio: float, a: float, b: float, b_step: float = 0.0005) -> bool:
    """`ratio` is a / b rounded to 2 places, where a (and b, unless b_step is 0) were rounded to 3 places."""
    low = (a - 0.0005) / (b + b_step) - 0.005
    high = (a + 0.0005) / (b - b_step) + 0.005
    return low <= ratio <= high


@pytest.mark.dbt
def test_bench_runs_and_writes_sane_results(real_data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "benchmarks"
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "benchmarks" / "bench.py"),
            "--sizes",
            str(SMALL),
            "--repeat",
            "1",
            "--source-dir",
            str(real_data_dir),
            "--work-dir",
            str(tmp_path / "work"),
            "--out-dir",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "pandas/pipeline" in result.stdout and "pipeline/baseline" in result.stdout
    data = json.loads((out / "results.json").read_text())
    assert data["machine"]["cores"] >= 1 and data["machine"]["duckdb"]
    [small] = data["sizes"]
    assert small["n_projects"] == SMALL and small["min_tag_freq"] == 60
    for size in (small,):
        counts = size["counts"]
        assert (
            counts["pipeline"]
            == counts["dataset_pipeline"]
            == counts["pandas"]
            == counts["baseline"]
            == counts["baseline_tuned"]
        )
        # The growth run's file holds every project and 1% more (new ids at the end), at the same threshold.
        assert counts["growth_pipeline"]["n_tags"] == counts["pipeline"]["n_tags"]
        assert counts["growth_pipeline"]["n_projects"] >= counts["pipeline"]["n_projects"]
    assert small["loader_positions_match_ids"] is True
    timed = ("loader", "dbt_build", "pipeline", "growth_pipeline", "dataset_build", "dataset_pipeline")
    timed += ("pandas", "baseline", "baseline_tuned")
    measured_s = 0.0
    for size in (small,):
        steps = size["steps"]
        for step in timed:
            # One repeat: the step's figure is its one run, timed, inside the bench's own run time.
            [run] = steps[step]["runs"]
            assert steps[step]["wall_s"] == run["wall_s"] > 0
            assert 10 < steps[step]["peak_mib"] < 8192
            measured_s += run["wall_s"]
        # dbt's own clock for the build it ran runs inside the timed dbt build step.
        split = size["dbt_build_split_s"]
        assert 0 < split["dbt_elapsed_s"] <= steps["dbt_build"]["wall_s"]
        assert split["models_s"] > 0 and split["tests_s"] > 0
        # Each ratio is the quotient of the two steps' times: results.json holds times to 3 places and ratios
        # to 2, so the ratio lies within what the rounded times allow, and no further.
        for name, (a, b) in RATIOS.items():
            assert _within_rounding(size["ratios"][name], steps[a]["wall_s"], steps[b]["wall_s"]), name
        millions = size["n_projects"] / 1e6
        assert _within_rounding(size["ratios"]["pipeline_s_per_million"], steps["pipeline"]["wall_s"], millions, 0)
    # The steps run one after another inside the bench: together they cannot take longer than it did.
    assert measured_s <= elapsed
    markdown = (out / "results.md").read_text()
    assert f"{small['steps']['pipeline']['wall_s']:.2f} s" in markdown
    assert f"| {SMALL:,} |" in markdown
    assert (out / "results.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
