"""A single self-contained HTML page: the charts inlined as base64 PNG, the numbers as tables and JSON."""

from __future__ import annotations

import base64
import html
import json
from dataclasses import asdict
from pathlib import Path

from tagifai.report.data import ReportData

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #1a202c; }
img { max-width: 100%; border: 1px solid #e2e8f0; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
td, th { border: 1px solid #e2e8f0; padding: 0.2rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.note { background: #fefcbf; padding: 0.5rem 1rem; }
"""


def _image(path: Path, alt: str) -> str:
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{encoded}">'


def _table(header: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(name)}</th>" for name in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def chart_data(data: ReportData) -> dict[str, object]:
    """The numbers behind the charts, as JSON-ready values (embedded in the page for checking)."""
    return {
        "min_tag_freq": data.min_tag_freq,
        "tag_frequencies": [asdict(item) for item in data.tag_frequencies],
        "sweep": [asdict(point) for point in data.sweep],
        "prevalence": [
            {**asdict(point), "created_month": point.created_month.isoformat()} for point in data.prevalence
        ],
        "n_project_tags": data.n_project_tags,
        "n_unknown_tags": data.n_unknown_tags,
        "label_quality": asdict(data.label_quality) if data.label_quality else None,
    }


def _label_quality_part(data: ReportData) -> str:
    """Per-tag F1 and the label-issue counts, or why they are absent."""
    quality = data.label_quality
    if quality is None:
        return '<p class="note">No learned labels in this warehouse (marts.label_quality is built on DuckDB only).</p>'

    def score(value: float | None) -> str:
        return "" if value is None else f"{value:.3f}"

    kinds = ", ".join(f"{count} {kind}" for kind, count in quality.review_list.items()) or "none"
    summary = (
        f"<p>Out of fold: classifier micro-F1 {quality.classifier_micro_f1:.3f}, precision@1 "
        f"{quality.classifier_precision_at_1:.3f}; label model micro-F1 {quality.label_model_micro_f1:.3f}. "
        f"Confident learning flags {quality.n_label_issues_flagged} labels on "
        f"{quality.share_projects_flagged:.1%} of the projects; the review list (marts.label_issues) holds "
        f"{html.escape(kinds)}.</p>"
    )
    table = _table(
        ["tag", "labeled projects", "classifier F1", "label model F1", "flagged label issues"],
        [
            [t.tag, t.n_labeled, score(t.classifier_f1), score(t.label_model_f1), t.n_label_issues_flagged]
            for t in quality.by_tag
        ],
    )
    return summary + table


def render(data: ReportData, images: dict[str, Path], source: str) -> str:
    """The page, with `images` (name -> PNG path) inlined."""
    current = next((point for point in data.sweep if point.min_tag_freq == data.min_tag_freq), None)
    nearby = [
        point for point in data.sweep if point.min_tag_freq in {1, 10, 20, 25, 30, 40, 50, 100, data.min_tag_freq}
    ]
    if data.prevalence:
        prevalence_part = _table(
            ["month", "project tags", "unknown", "share unknown"],
            [
                [p.created_month.isoformat(), p.n_project_tags, p.n_unknown_tags, f"{p.share_unknown:.1%}"]
                for p in data.prevalence
            ],
        )
    else:
        prevalence_part = (
            '<p class="note">This warehouse has no <code>created_on</code> (the 2021-03 data has none), so the '
            "prevalence of unknown tags cannot be shown over time; the chart states the overall share instead. "
            "Load the 2021-05 files, which carry <code>created_on</code>, and rebuild to see it by month.</p>"
        )
    summary = (
        f"At min_tag_freq = {data.min_tag_freq}: {current.n_tags} tags, {current.n_projects} projects, "
        f"{current.n_labels} labels."
        if current
        else f"min_tag_freq = {data.min_tag_freq} is above every tag's frequency: no labels."
    )
    sweep_table = _table(
        ["min_tag_freq", "tags", "projects", "labels"],
        [[p.min_tag_freq, p.n_tags, p.n_projects, p.n_labels] for p in nearby],
    )
    payload = json.dumps(chart_data(data)).replace("</", "<\\/")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tagifai: exploring the labels</title>
<style>{STYLE}</style></head><body>
<h1>tagifai: exploring the labels</h1>
<p>Warehouse: <code>{html.escape(source)}</code>. {html.escape(summary)}
{data.n_unknown_tags} of {data.n_project_tags} project tags ({data.share_unknown:.1%}) are outside the taxonomy.</p>
<h2>Tag frequency and the threshold</h2>
{_image(images["tag_frequency"], "Tag frequency with the min_tag_freq line")}
<h2>Threshold sweep</h2>
{_image(images["threshold_sweep"], "Tags, projects and labels kept per threshold")}
{sweep_table}
<h2>Unknown tags over time</h2>
{_image(images["unknown_tag_prevalence"], "Share of project tags outside the taxonomy by month")}
{prevalence_part}
<h2>Label quality: per-tag F1 and label issues</h2>
{_label_quality_part(data)}
<script type="application/json" id="report-data">{payload}</script>
</body></html>
"""
