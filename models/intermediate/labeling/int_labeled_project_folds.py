"""intermediate.int_labeled_project_folds: one row per labeled project, its fold for the tag classifier and the
label model (tagifai/labelmodel/classifier.py fold_of: a hash of the seed and the id, so a project keeps its
fold whatever arrives). A table for marts.label_model, which is SQL and cannot compute the hash itself."""

from typing import Any

import numpy as np
import pandas as pd

from tagifai.labelmodel.classifier import N_FOLDS, SEED, fold_of


def model(dbt: Any, session: Any) -> pd.DataFrame:
    dbt.config(materialized="table", tags=["duckdb_only"])
    # dbt finds a Python model's refs only where dbt.ref is the call's own target, not inside another call.
    labeled = dbt.ref("labeled_projects").select("id").fetchnumpy()
    ids = np.asarray(labeled["id"], dtype=np.int64)
    return pd.DataFrame({"project_id": ids, "fold": pd.Series(fold_of(ids, N_FOLDS, SEED), dtype="int32")})
