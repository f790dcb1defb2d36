"""intermediate.int_labeled_project_folds: one row per labeled project, its fold for the tag classifier and the
label model (tagifai/labelmodel/classifier.py fold_of: a hash of the seed and the id, so a project keeps its
fold whatever arrives). A table for marts.label_model, which is SQL and cannot compute the hash itself.

Incremental: a project's fold never changes, so a run hashes only the projects labeled since the last one
and deletes those no longer labeled (at 2M projects, hashing them all cost seconds on every run). The table
is rebuilt in full when the rule itself changed (tagifai/labelmodel/folds.py)."""

from typing import Any

import numpy as np
import pandas as pd

from tagifai.labelmodel.classifier import N_FOLDS, SEED, fold_of
from tagifai.labelmodel.folds import ids_to_fold, stored_folds_follow_the_rule
from tagifai.labelmodel.inputs import clear_for_recompute


def model(dbt: Any, session: Any) -> pd.DataFrame:
    dbt.config(materialized="incremental", incremental_strategy="append", tags=["duckdb_only"])
    # dbt finds a Python model's refs only where dbt.ref is the call's own target, not inside another call.
    labeled = dbt.ref("labeled_projects").select("id")
    if dbt.is_incremental and stored_folds_follow_the_rule(session, str(dbt.this), N_FOLDS, SEED):
        ids = ids_to_fold(session, str(dbt.this), labeled)
    else:
        clear_for_recompute(dbt, session)
        ids = np.asarray(labeled.fetchnumpy()["id"], dtype=np.int64)
    return pd.DataFrame({"project_id": ids, "fold": pd.Series(fold_of(ids, N_FOLDS, SEED), dtype="int32")})
