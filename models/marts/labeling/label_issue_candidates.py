"""label_issue_candidates: every (labeled project, kept tag) confident learning flags as a likely label
error, ranked; marts.label_issues keeps the top of it (tagifai/labelmodel/issues.py).

Tags are read TAGS_PER_READ at a time and judged one by one (as cleanlab does per class): memory holds a
few columns of the labeled projects, not their (N, K) matrices. Incremental: recomputed only when what it
reads changed (inputs_version: label_model's recorded version and the author labels, tagifai/labelmodel/
inputs.py); a build that changed neither keeps the table as it is.
"""

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from tagifai.labelmodel.frames import label_columns, wide_from
from tagifai.labelmodel.inputs import (
    clear_for_recompute,
    computed_now,
    content_fingerprint,
    incremental_table_version,
    inputs_version,
    is_current,
)
from tagifai.labelmodel.issues import find_issues_by_tag

TAGS_PER_READ = 5


def model(dbt: Any, session: Any) -> pd.DataFrame:
    dbt.config(
        materialized="incremental",
        incremental_strategy="append",
        on_schema_change="append_new_columns",
        tags=["duckdb_only"],
    )
    tags = [row[0] for row in dbt.ref("tag_frequencies").filter("is_kept").order("tag").fetchall()]
    labeled = dbt.ref("labeled_projects").select("id, tags")
    scores = dbt.ref("label_model").filter("is_out_of_fold")
    version = inputs_version(
        ",".join(tags),
        content_fingerprint(labeled, "id, array_to_string(tags, ',')"),
        incremental_table_version(session, dbt.this, "label_model"),
    )
    if is_current(dbt, session, version):
        return _frame(np.zeros(0, dtype=np.int64), [], None, version)  # nothing it reads changed
    clear_for_recompute(dbt, session)
    labeled_ids = labeled.select("id").order("id").fetchnumpy()
    ids = np.asarray(labeled_ids["id"], dtype=np.int64)
    versions = scores.select("model_version").limit(1).fetchall()
    issues = find_issues_by_tag(_tag_columns(labeled, scores, ids, tags))
    return _frame(ids, tags, issues, version, versions[0][0] if versions else None)


def _frame(ids: np.ndarray, tags: list[str], issues: Any, version: str, model_version: Any = None) -> pd.DataFrame:
    """The table's rows (none when `issues` is None), with their columns' types either way."""
    if issues is None:
        issues = find_issues_by_tag([])
    return pd.DataFrame(
        {
            "project_id": pd.Series(ids[issues.row], dtype="int64"),
            "tag": pd.Series(np.asarray(tags, dtype=object)[issues.tag_index], dtype="object"),
            "issue_kind": pd.Series(issues.issue_kind, dtype="object"),
            "label_quality_score": pd.Series(issues.label_quality_score, dtype="float64"),
            "model_probability": pd.Series(issues.model_probability, dtype="float64"),
            "issue_rank": pd.Series(np.arange(1, len(issues) + 1), dtype="int32"),
            "model_version": pd.Series([model_version] * len(issues), dtype="object"),
            "inputs_version": pd.Series([version] * len(issues), dtype="object"),
            "computed_at": computed_now().repeat(len(issues)).reset_index(drop=True),
        }
    )


def _tag_columns(labeled: Any, scores: Any, ids: np.ndarray, tags: list[str]) -> Iterator[tuple[int, Any, Any]]:
    """(tag index, author labels, model probability) per tag, over the labeled projects in id order."""
    for start in range(0, len(tags), TAGS_PER_READ):
        chunk = tags[start : start + TAGS_PER_READ]
        labels = label_columns(labeled, ids, chunk)
        matrices = wide_from(scores, ids, chunk, ["classifier_probability", "probability"])
        # The model's probability: the mean of the classifier's and the label model's out-of-fold
        # probabilities. The functions' evidence does not learn from the author's labels, and the
        # classifier keeps its ranking.
        probability = (matrices["classifier_probability"] + matrices["probability"]) / 2
        for j in range(len(chunk)):
            yield start + j, labels[:, j], probability[:, j]
