"""label_issue_candidates: every (labeled project, kept tag) confident learning flags as a likely label
error, ranked; marts.label_issues keeps the top of it (tagifai/labelmodel/issues.py)."""

from typing import Any

import numpy as np
import pandas as pd

from tagifai.labelmodel.frames import label_matrix, wide_from
from tagifai.labelmodel.issues import find_issues


def model(dbt: Any, session: Any) -> pd.DataFrame:
    dbt.config(materialized="table", tags=["duckdb_only"])
    tags = [row[0] for row in dbt.ref("tag_frequencies").filter("is_kept").order("tag").fetchall()]
    labeled = dbt.ref("labeled_projects").select("id, tags").order("id").fetchall()
    ids = [row[0] for row in labeled]
    labels = label_matrix((row[1] for row in labeled), tags)
    scores = dbt.ref("label_model").filter("is_out_of_fold")
    matrices = wide_from(scores, ids, tags, ["classifier_probability", "probability"])
    # The model's probability: the mean of the classifier's and the label model's out-of-fold probabilities.
    # The functions' evidence does not learn from the author's labels, and the classifier keeps its ranking.
    probability = (matrices["classifier_probability"] + matrices["probability"]) / 2
    versions = scores.select("model_version").limit(1).fetchall()
    issues = find_issues(labels, probability)
    return pd.DataFrame(
        {
            "project_id": pd.Series([ids[i.row] for i in issues], dtype="int64"),
            "tag": pd.Series([tags[i.tag_index] for i in issues], dtype="object"),
            "issue_kind": pd.Series([i.issue_kind for i in issues], dtype="object"),
            "label_quality_score": pd.Series([i.label_quality_score for i in issues], dtype="float64"),
            "model_probability": pd.Series([i.model_probability for i in issues], dtype="float64"),
            "issue_rank": pd.Series(np.arange(1, len(issues) + 1), dtype="int32"),
            "model_version": versions[0][0] if versions else None,
        }
    )
