"""`tagifai-report` writes the charts and one self-contained HTML page holding the warehouse's numbers."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import matplotlib.pyplot as plt
import pytest
from PIL import Image

from support.commands import BIN, run_dbt, run_loader
from tagifai.report.charts import prevalence_chart, sweep_chart, tag_frequency_chart
from tagifai.report.data import read_report_data

TOP_N = 60
FILES = ["tag_frequency.png", "threshold_sweep.png", "unknown_tag_prevalence.png", "report.html"]


def _report(db_path: Path, out_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "tagifai-report"), "--duckdb-path", str(db_path), "--out-dir", str(out_dir), "--top-n", str(TOP_N)],
        capture_output=True,
        text=True,
        check=False,
    )


def _rows(db_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def _embedded_data(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    assert match, "report.html holds no report-data JSON"
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def dated_warehouse(real_warehouse: Path, real_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real warehouse with the 2021-05 projects (they carry created_on) loaded over it."""
    dated_dir = real_data_dir.parent / "madewithml-2021-05"
    assert (dated_dir / "projects.json").is_file(), (
        f"{dated_dir}: the 2021-05 data (projects with created_on) is expected beside {real_data_dir}"
    )
    db_path = tmp_path_factory.mktemp("dated") / "tagifai.duckdb"
    shutil.copyfile(real_warehouse, db_path)
    result = run_loader(db_path, "--data-dir", str(dated_dir))
    assert result.returncode == 0, result.stderr
    run_dbt(db_path, "build", "--select", "+unknown_tag_prevalence", "--exclude", "test_type:unit")
    return db_path


def test_report_files_hold_the_tables(real_warehouse: Path, tmp_path: Path) -> None:
    result = _report(real_warehouse, tmp_path)
    assert result.returncode == 0, result.stderr
    for name in FILES:
        assert (tmp_path / name).stat().st_size > 0, name
    for name in FILES[:3]:
        with Image.open(tmp_path / name) as image:
            assert image.format == "PNG" and image.width > 500 and image.height > 300
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    # Self-contained: every image is inlined, nothing is fetched.
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', page)) == 3
    assert not re.search(r'(src|href)="(https?:)?//', page)
    data = _embedded_data(page)
    tags = _rows(
        real_warehouse,
        f"select tag, frequency, is_kept from marts.tag_frequencies where frequency > 0 "
        f"order by frequency desc, tag limit {TOP_N}",
    )
    assert [(t["tag"], t["frequency"], t["is_kept"]) for t in data["tag_frequencies"]] == tags
    sweep = _rows(
        real_warehouse, "select min_tag_freq, n_tags, n_projects, n_labels from marts.tag_threshold_sweep order by 1"
    )
    assert [(p["min_tag_freq"], p["n_tags"], p["n_projects"], p["n_labels"]) for p in data["sweep"]] == sweep
    assert data["min_tag_freq"] == 30
    # The 2021-03 data has no created_on: no monthly points, and the page says why.
    assert data["prevalence"] == []
    assert "has no <code>created_on</code>" in page
    assert "At min_tag_freq = 30: 35 tags, 1444 projects" in page


def test_chart_artists_plot_the_tables(real_warehouse: Path) -> None:
    data = read_report_data(real_warehouse, TOP_N)
    fig = tag_frequency_chart(data)
    bars = fig.axes[0].containers[0]
    heights = [int(bar.get_height()) for bar in bars]
    labels = [label.get_text() for label in fig.axes[0].get_xticklabels()]
    expected = _rows(
        real_warehouse,
        f"select tag, frequency from marts.tag_frequencies where frequency > 0 "
        f"order by frequency desc, tag limit {TOP_N}",
    )
    assert list(zip(labels, heights, strict=True)) == expected
    threshold_lines = [line for line in fig.axes[0].get_lines() if line.get_linestyle() == "--"]
    assert [line.get_ydata()[0] for line in threshold_lines] == [30]
    plt.close(fig)

    fig = sweep_chart(data)
    sweep = _rows(
        real_warehouse, "select min_tag_freq, n_tags, n_projects, n_labels from marts.tag_threshold_sweep order by 1"
    )
    for column, ax in enumerate(fig.axes, start=1):
        (curve,) = [line for line in ax.get_lines() if line.get_gid()]
        assert list(curve.get_xdata()) == [row[0] for row in sweep]
        assert list(curve.get_ydata()) == [row[column] for row in sweep]
    plt.close(fig)


def test_prevalence_chart_plots_the_monthly_table(dated_warehouse: Path, tmp_path: Path) -> None:
    data = read_report_data(dated_warehouse, TOP_N)
    table = _rows(dated_warehouse, "select created_month, share_unknown from marts.unknown_tag_prevalence order by 1")
    assert len(table) >= 6  # 2020-02 .. 2020-10 in the 2021-05 files
    fig = prevalence_chart(data)
    (curve,) = [line for line in fig.axes[0].get_lines() if line.get_gid() == "share"]
    assert list(zip(curve.get_xdata(), curve.get_ydata(), strict=True)) == table
    plt.close(fig)
    result = _report(dated_warehouse, tmp_path)
    assert result.returncode == 0, result.stderr
    data = _embedded_data((tmp_path / "report.html").read_text(encoding="utf-8"))
    assert [(p["created_month"], p["share_unknown"]) for p in data["prevalence"]] == [
        (month.isoformat(), share) for month, share in table
    ]


def test_missing_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    result = _report(tmp_path / "absent.duckdb", tmp_path / "out")
    assert result.returncode == 1
    assert "warehouse file not found" in result.stderr and "make build" in result.stderr


def test_report_shows_per_tag_f1_and_label_issue_counts(real_warehouse: Path, tmp_path: Path) -> None:
    result = _report(real_warehouse, tmp_path)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    quality = _embedded_data(page)["label_quality"]
    by_tag = _rows(
        real_warehouse,
        "select tag, n_labeled, classifier_f1, label_model_f1, n_label_issues_flagged "
        "from marts.label_quality_by_tag order by n_labeled desc, tag",
    )
    assert [tuple(t.values()) for t in quality["by_tag"]] == by_tag
    kinds = dict(_rows(real_warehouse, "select issue_kind, count(*) from marts.label_issues group by 1"))
    assert quality["review_list"] == kinds and sum(kinds.values()) == 100
    for tag, _, classifier_f1, _, _ in by_tag:
        assert f"<td>{tag}</td>" in page
        assert f"<td>{classifier_f1:.3f}</td>" in page
    assert "Label quality: per-tag F1 and label issues" in page
