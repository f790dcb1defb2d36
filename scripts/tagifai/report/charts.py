"""The report's three charts as matplotlib figures (no display needed: the Agg backend)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from tagifai.report.data import ReportData  # noqa: E402

KEPT_COLOR = "#2b6cb0"
DROPPED_COLOR = "#b0b7c3"
THRESHOLD_COLOR = "#c53030"


def tag_frequency_chart(data: ReportData) -> Figure:
    """Bars of the most frequent tags, kept ones coloured, with the min_tag_freq line."""
    fig, ax = plt.subplots(figsize=(12, 5), layout="constrained")
    tags = data.tag_frequencies
    ax.bar(
        [item.tag for item in tags],
        [item.frequency for item in tags],
        color=[KEPT_COLOR if item.is_kept else DROPPED_COLOR for item in tags],
        gid="tag-frequency",
    )
    ax.axhline(data.min_tag_freq, color=THRESHOLD_COLOR, linestyle="--", label=f"min_tag_freq = {data.min_tag_freq}")
    n_kept = sum(item.is_kept for item in tags)
    ax.set_title(f"Tag frequency: the {len(tags)} most used tags ({n_kept} kept as labels)")
    ax.set_ylabel("labels (project, tag)")
    ax.tick_params(axis="x", labelrotation=90, labelsize=7)
    ax.margins(x=0.005)
    ax.legend()
    return fig


def sweep_chart(data: ReportData) -> Figure:
    """Tags, projects and labels kept at every threshold, with the current threshold marked."""
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), layout="constrained", sharex=True)
    thresholds = [point.min_tag_freq for point in data.sweep]
    series = {
        "n_tags": ("tags kept", [point.n_tags for point in data.sweep]),
        "n_projects": ("projects kept", [point.n_projects for point in data.sweep]),
        "n_labels": ("labels kept", [point.n_labels for point in data.sweep]),
    }
    for ax, (gid, (title, values)) in zip(axes, series.items(), strict=True):
        ax.plot(thresholds, values, color=KEPT_COLOR, gid=gid)
        ax.axvline(
            data.min_tag_freq, color=THRESHOLD_COLOR, linestyle="--", label=f"min_tag_freq = {data.min_tag_freq}"
        )
        ax.set_xscale("log")
        ax.set_title(title)
        ax.set_xlabel("min_tag_freq (log scale)")
        ax.grid(alpha=0.3)
    axes[0].legend()
    fig.suptitle("What each threshold keeps (marts.tag_threshold_sweep)")
    return fig


def prevalence_chart(data: ReportData) -> Figure:
    """Share of project tags outside the taxonomy per creation month, or a note when there are no dates."""
    fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
    if not data.prevalence:
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            "No created_on in this data (the 2021-03 files have none),\n"
            "so unknown-tag prevalence cannot be shown over time.\n"
            f"Overall: {data.n_unknown_tags} of {data.n_project_tags} project tags "
            f"({data.share_unknown:.1%}) are outside the taxonomy.\n"
            "Load the 2021-05 files (they carry created_on) and rebuild.",
            ha="center",
            va="center",
            fontsize=11,
        )
        ax.set_title("Unknown-tag prevalence over time")
        return fig
    months = [point.created_month for point in data.prevalence]
    ax.plot(months, [point.share_unknown for point in data.prevalence], marker="o", color=KEPT_COLOR, gid="share")
    ax.axhline(data.share_unknown, color=DROPPED_COLOR, linestyle=":", label=f"overall {data.share_unknown:.1%}")
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_title("Share of project tags outside the taxonomy, by month created")
    ax.set_ylabel("unknown / all project tags")
    ax.grid(alpha=0.3)
    ax.legend()
    return fig
