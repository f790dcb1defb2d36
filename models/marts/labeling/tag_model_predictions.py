"""marts.tag_model_predictions: per (project, kept tag), the text classifier's probability.

The models are intermediate.int_tag_model_fits' (one per fold, one on the whole training sample). A
labeled project in the training sample is scored by its fold's model, which never saw it; every other
project by the model fit on the whole sample (which never saw a labeled project outside the sample
either). Incremental: after a refit every project is scored again; otherwise only new and changed ones
(the post-hook in _labeling__learned.yml deletes the rows they replace). See docs/labeling.md.
"""

import pickle
from typing import Any

import numpy as np
import pandas as pd

from tagifai.labelmodel.classifier import N_FOLDS, SEED, fold_of
from tagifai.labelmodel.frames import long_frame


def model(dbt: Any, session: Any) -> pd.DataFrame:
    dbt.config(materialized="incremental", incremental_strategy="append", tags=["duckdb_only"])
    fits = dbt.ref("int_tag_model_fits").select("model_fold, fit_version, train_ids, model_pickle").fetchall()
    models = {row[0]: pickle.loads(row[3]) for row in fits}
    version = fits[0][1]
    sample = np.array(next(row[2] for row in fits if row[0] == -1), dtype=np.int64)
    tags = [row[0] for row in dbt.ref("tag_frequencies").filter("is_kept").order("tag").fetchall()]
    # dbt finds a Python model's refs in its statements, not inside a comprehension.
    labeled_rows = dbt.ref("labeled_projects").select("id").fetchall()
    labeled = np.array([row[0] for row in labeled_rows], dtype=np.int64)
    projects = dbt.ref("stg_madewithml__projects").select("project_id, text, loaded_at").order("project_id")

    if dbt.is_incremental and session.sql(f"select distinct model_version from {dbt.this}").fetchall() == [(version,)]:
        # The same fit: score only the projects loaded since the last build.
        projects = projects.filter(f"loaded_at > (select max(loaded_at) from {dbt.this})")
    rows = projects.fetchall()
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    texts = [row[1] for row in rows]
    is_labeled = np.isin(ids, labeled)
    # -1: the model fit on the whole sample; 0..4: the fold's model, for labeled projects in the sample.
    scored_by = np.where(is_labeled & np.isin(ids, sample), fold_of(ids, N_FOLDS, SEED), -1)
    probabilities = np.zeros((len(ids), len(tags)))
    for model_fold in np.unique(scored_by):
        chosen = np.flatnonzero(scored_by == model_fold)
        probabilities[chosen] = models[int(model_fold)].predict_proba([texts[i] for i in chosen])

    frame = long_frame(ids, tags, {"probability": probabilities})
    frame["is_out_of_fold"] = np.repeat(is_labeled, len(tags))
    frame["fold"] = pd.Series(np.repeat(scored_by, len(tags)), dtype="Int64").mask(lambda fold: fold < 0)
    frame["model_version"] = version
    # One value per project, repeated per tag: not one lookup per (project, tag) row.
    loaded_at = pd.DatetimeIndex([row[2] for row in rows], dtype="datetime64[us, UTC]")
    frame["loaded_at"] = pd.Series(loaded_at.repeat(len(tags)), index=frame.index)
    return frame[["project_id", "tag", "probability", "is_out_of_fold", "fold", "model_version", "loaded_at"]]
