"""marts.label_model: per (project, kept tag), one probability from the classifier and the labeling
functions, each function weighted by its precision and recall on held-out folds (formula: the YAML and
tagifai/labelmodel/combine.py)."""

from typing import Any

import numpy as np
import pandas as pd

from tagifai.labelmodel.classifier import N_FOLDS, SEED, fold_of
from tagifai.labelmodel.combine import combine, function_stats, held_out_combine
from tagifai.labelmodel.frames import Functions, label_matrix, long_frame, wide


def model(dbt: Any, session: Any) -> pd.DataFrame:
    dbt.config(materialized="table", tags=["duckdb_only"])
    tags = [row[0] for row in dbt.ref("tag_frequencies").filter("is_kept").order("tag").fetchall()]
    predictions = dbt.ref("tag_model_predictions").df()
    functions = Functions.from_frame(dbt.ref("labeling_functions").df(), tags)
    fired = dbt.ref("int_labeling_functions_fired").select("project_id, lf_name").df()
    labeled = dbt.ref("labeled_projects").select("id, tags").order("id").fetchall()
    labeled_ids = [row[0] for row in labeled]
    labels = label_matrix((row[1] for row in labeled), tags)

    in_fold = predictions[predictions["is_out_of_fold"]]
    # Each labeled project's fold (the hash of its id), for labeled projects beyond the training sample too.
    folds = fold_of(labeled_ids, N_FOLDS, SEED)
    p_labeled = wide(in_fold, labeled_ids, tags, "probability")
    v_labeled = functions.fired_matrix(labeled_ids, fired)
    q_labeled, _ = held_out_combine(p_labeled, labels, folds, v_labeled, functions.tag_index, functions.label)

    rest = predictions[~predictions["is_out_of_fold"]]
    other_ids = sorted(set(rest["project_id"]))
    p_other = wide(rest, other_ids, tags, "probability")
    v_other = functions.fired_matrix(other_ids, fired)
    all_stats = function_stats(labels, v_labeled, functions.tag_index, functions.label)
    q_other = combine(p_other, v_other, all_stats.weight, functions.tag_index, functions.label)

    n_fired = np.zeros((len(labeled_ids) + len(other_ids), len(tags)), dtype=np.int64)
    for f, k in enumerate(functions.tag_index):
        n_fired[:, k] += np.r_[v_labeled[:, f], v_other[:, f]]
    frame = long_frame(
        labeled_ids + other_ids,
        tags,
        {
            "probability": np.vstack([q_labeled, q_other]),
            "classifier_probability": np.vstack([p_labeled, p_other]),
            "n_functions_fired": n_fired,
            "is_out_of_fold": np.r_[
                np.ones(len(labeled_ids) * len(tags), dtype=bool), np.zeros(len(other_ids) * len(tags), dtype=bool)
            ],
        },
    )
    frame["model_version"] = predictions["model_version"].iloc[0] if len(predictions) else pd.NA
    return frame
