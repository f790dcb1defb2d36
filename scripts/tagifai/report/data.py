"""Read what the charts show from the built warehouse (marts.*), read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from tagifai.errors import TagifaiError

REQUIRED_TABLES = ("tag_frequencies", "tag_threshold_sweep", "unknown_tag_prevalence", "unknown_tags")


@dataclass(frozen=True)
class TagFrequency:
    tag: str
    frequency: int
    is_kept: bool


@dataclass(frozen=True)
class SweepPoint:
    min_tag_freq: int
    n_tags: int
    n_projects: int
    n_labels: int


@dataclass(frozen=True)
class PrevalencePoint:
    created_month: date
    n_project_tags: int
    n_unknown_tags: int
    share_unknown: float


@dataclass(frozen=True)
class TagQuality:
    """One kept tag's out-of-fold F1 (None: neither given nor predicted) and its flagged label issues."""

    tag: str
    n_labeled: int
    classifier_f1: float | None
    label_model_f1: float | None
    n_label_issues_flagged: int


@dataclass(frozen=True)
class LabelQuality:
    """The learned labels (marts.label_quality, label_quality_by_tag, label_issues): absent on Spark."""

    classifier_micro_f1: float
    label_model_micro_f1: float
    classifier_precision_at_1: float
    n_label_issues_flagged: int
    share_projects_flagged: float
    review_list: dict[str, int]  # issue_kind -> rows in marts.label_issues (the capped list)
    by_tag: list[TagQuality]


@dataclass(frozen=True)
class ReportData:
    """Everything the report draws; each list is ordered as it is plotted."""

    min_tag_freq: int
    tag_frequencies: list[TagFrequency]
    sweep: list[SweepPoint]
    prevalence: list[PrevalencePoint]
    n_project_tags: int
    n_unknown_tags: int
    label_quality: LabelQuality | None = None

    @property
    def share_unknown(self) -> float:
        return self.n_unknown_tags / self.n_project_tags if self.n_project_tags else 0.0


def _check_tables(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    found = {
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }
    missing = [name for name in REQUIRED_TABLES if name not in found]
    if missing:
        raise TagifaiError(
            f"{db_path}: marts.{', marts.'.join(missing)} not found; build the warehouse first (make build)"
        )


def _read_label_quality(con: duckdb.DuckDBPyConnection) -> LabelQuality | None:
    """The learned-label tables, or None when the build has none (the spark target)."""
    found = {
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }
    if not {"label_quality", "label_quality_by_tag", "label_issues"} <= found:
        return None
    rows = con.execute(
        "select classifier_micro_f1, label_model_micro_f1, classifier_precision_at_1, n_label_issues_flagged, "
        "share_projects_flagged from marts.label_quality"
    ).fetchall()
    if not rows:
        return None
    by_tag = con.execute(
        "select tag, n_labeled, classifier_f1, label_model_f1, n_label_issues_flagged "
        "from marts.label_quality_by_tag order by n_labeled desc, tag"
    ).fetchall()
    kinds = dict(con.execute("select issue_kind, count(*) from marts.label_issues group by 1 order by 1").fetchall())
    return LabelQuality(*rows[0], review_list=kinds, by_tag=[TagQuality(*row) for row in by_tag])


def read_report_data(db_path: Path, top_n: int) -> ReportData:
    """Query the warehouse at `db_path`; `top_n` most frequent tags go into the frequency chart."""
    if not db_path.is_file():
        raise TagifaiError(f"{db_path}: warehouse file not found; run `make build` or set TAGIFAI_DUCKDB_PATH")
    with duckdb.connect(str(db_path), read_only=True) as con:
        _check_tables(con, db_path)
        threshold = con.execute(
            "select min_tag_freq from marts.tag_threshold_sweep where is_current_threshold"
        ).fetchall()
        if not threshold:
            threshold = con.execute("select max(min_tag_freq) from marts.tag_frequencies").fetchall()
        tags = con.execute(
            "select tag, frequency, is_kept from marts.tag_frequencies where frequency > 0 "
            "order by frequency desc, tag limit ?",
            [top_n],
        ).fetchall()
        sweep = con.execute(
            "select min_tag_freq, n_tags, n_projects, n_labels from marts.tag_threshold_sweep order by min_tag_freq"
        ).fetchall()
        prevalence = con.execute(
            "select created_month, n_project_tags, n_unknown_tags, share_unknown "
            "from marts.unknown_tag_prevalence order by created_month"
        ).fetchall()
        n_unknown = con.execute("select coalesce(sum(n_uses), 0) from marts.unknown_tags").fetchone()[0]
        n_all = con.execute("select count(*) from intermediate.int_project_tags_unnested").fetchone()[0]
        label_quality = _read_label_quality(con)
    return ReportData(
        min_tag_freq=int(threshold[0][0]),
        tag_frequencies=[TagFrequency(*row) for row in tags],
        sweep=[SweepPoint(*row) for row in sweep],
        prevalence=[PrevalencePoint(*row) for row in prevalence],
        n_project_tags=int(n_all),
        n_unknown_tags=int(n_unknown),
        label_quality=label_quality,
    )
