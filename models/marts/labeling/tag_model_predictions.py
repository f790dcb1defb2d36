"""marts.tag_model_predictions: per (project, kept tag), the text classifier's probability.

Labeled projects (marts.labeled_projects) get out-of-fold probabilities; the other loaded projects get the
probabilities of a model fit on all labels. Incremental: while int_tag_model_version is unchanged, only
new and changed unlabeled projects are predicted; otherwise everything is refit (the post-hook in
_labeling__models.yml deletes the rows of other versions). See docs/labeling.md.
"""

from typing import Any

import numpy as np
import pandas as pd

from tagifai.labelmodel.classifier import N_FOLDS, SEED, fit_predict, out_of_fold_probabilities, training_sample
from tagifai.labelmodel.frames import label_matrix, long_frame


def model(dbt: Any, session: Any) -> pd.DataFrame:
    dbt.config(materialized="incremental", incremental_strategy="append", tags=["duckdb_only"])
    max_train_rows = int(dbt.config.get("max_train_rows"))
    version = dbt.ref("int_tag_model_version").fetchall()[0][0]
    tags = [row[0] for row in dbt.ref("tag_frequencies").filter("is_kept").order("tag").fetchall()]
    labeled = dbt.ref("labeled_projects").order("id").fetchall()
    labeled_ids = [row[0] for row in labeled]
    labeled_texts = [row[3] for row in labeled]
    labels = label_matrix((row[4] for row in labeled), tags)
    projects = dbt.ref("stg_madewithml__projects").select("project_id, text, loaded_at").order("project_id")

    refit = True
    if dbt.is_incremental:
        built = session.sql(f"select distinct model_version from {dbt.this}").fetchall()
        refit = built != [(version,)]
    if refit:
        probabilities, folds = out_of_fold_probabilities(
            labeled_ids, labeled_texts, labels, N_FOLDS, SEED, max_train_rows
        )
        to_predict = projects
    else:
        probabilities, folds = np.zeros((0, len(tags))), np.zeros(0, dtype=np.int64)
        labeled_ids = []
        to_predict = projects.filter(f"loaded_at > (select coalesce(max(loaded_at), '1900-01-01') from {dbt.this})")
    loaded_at = {row[0]: row[2] for row in projects.fetchall()}
    labeled_set = {row[0] for row in labeled}
    unlabeled = [row for row in to_predict.fetchall() if row[0] not in labeled_set]
    sample = training_sample([row[0] for row in labeled], max_train_rows, SEED)
    unlabeled_probabilities = np.zeros((0, len(tags)))
    if unlabeled:
        unlabeled_probabilities = fit_predict(
            [labeled[i][3] for i in sample], labels[sample], [row[1] for row in unlabeled], SEED
        )

    ids = list(labeled_ids) + [row[0] for row in unlabeled]
    frame = long_frame(
        ids,
        tags,
        {
            "probability": np.vstack([probabilities, unlabeled_probabilities]),
            "fold": np.repeat(np.r_[folds, np.full(len(unlabeled), -1)], len(tags)),
        },
    )
    frame["is_out_of_fold"] = frame["fold"] >= 0
    frame["fold"] = pd.Series(frame["fold"], dtype="Int64").mask(~frame["is_out_of_fold"])
    frame["model_version"] = version
    # One lookup per project, repeated per tag: not one per (project, tag) row.
    project_loaded_at = pd.DatetimeIndex([loaded_at[pid] for pid in ids], dtype="datetime64[us, UTC]")
    frame["loaded_at"] = pd.Series(project_loaded_at.repeat(len(tags)), index=frame.index)
    return frame[["project_id", "tag", "probability", "is_out_of_fold", "fold", "model_version", "loaded_at"]]
