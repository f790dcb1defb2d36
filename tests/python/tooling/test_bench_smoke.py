"""Smoke test of the benchmark (not a timed test): at the real size and one small generated size it runs
every step, the implementations (full build, dataset-only build, pandas, baseline) agree, and it writes
results.json, results.md and the chart."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from support.commands import REPO_ROOT

SMALL = 2 * 2032  # two whole blocks of the real data


@pytest.mark.dbt
def test_bench_runs_and_writes_sane_results(real_data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "benchmarks"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "benchmarks" / "bench.py"),
            "--sizes",
            f"2k,{SMALL}",
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
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "pandas/pipeline" in result.stdout and "pipeline/baseline" in result.stdout
    data = json.loads((out / "results.json").read_text())
    assert data["machine"]["cores"] >= 1 and data["machine"]["duckdb"]
    real, small = data["sizes"]
    assert real["label"] == "2k" and real["n_projects"] == 2032
    assert small["n_projects"] == SMALL and small["min_tag_freq"] == 60
    for size in (real, small):
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
    assert real["counts"]["pipeline"] == {"n_projects": 1444, "n_tags": 35}
    assert small["loader_positions_match_ids"] is True
    for size in (real, small):
        steps = ("loader", "dbt_build", "pipeline", "growth_pipeline", "dataset_build", "dataset_pipeline")
        for step in (*steps, "pandas", "baseline", "baseline_tuned"):
            assert 0 < size["steps"][step]["wall_s"] < 600
            assert 10 < size["steps"][step]["peak_mib"] < 8192
        split = size["dbt_build_split_s"]
        assert split["models_s"] > 0 and split["tests_s"] > 0
        assert size["ratios"]["pipeline_over_baseline"] > 0
        assert size["ratios"]["dataset_pipeline_over_baseline"] > 0
        assert size["ratios"]["pipeline_over_tuned_baseline"] > 0 and size["ratios"]["growth_over_pipeline"] > 0
    assert "| 2,032 (real) |" in (out / "results.md").read_text()
    assert (out / "results.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
