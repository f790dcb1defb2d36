"""Keeping intermediate.int_labeled_project_folds incremental: which projects still need a fold, and whether the
folds stored were made by today's rule (models/intermediate/labeling/int_labeled_project_folds.py)."""

from __future__ import annotations

from typing import Any

import numpy as np

from tagifai.labelmodel.classifier import fold_of

# Rows compared with today's rule: a different seed or fold count moves a row's fold with probability
# 1 - 1/n_folds, so 100 rows that all still agree leave a chance of about 0.2 ** 100 that the rule changed.
RULE_CHECK_ROWS = 100


def stored_folds_follow_the_rule(session: Any, table: str, n_folds: int, seed: int) -> bool:
    """Whether a sample of the folds stored in `table` equal fold_of's today (an empty table agrees)."""
    rows = session.execute(f"select project_id, fold from {table} limit {RULE_CHECK_ROWS}").fetchnumpy()
    stored = np.asarray(rows["fold"], dtype=np.int64)
    return bool(np.array_equal(fold_of(np.asarray(rows["project_id"], dtype=np.int64), n_folds, seed), stored))


def ids_to_fold(session: Any, table: str, labeled: Any) -> np.ndarray:
    """Delete the rows of `table` whose project is no longer in `labeled` (a relation of column id), and
    return the ids of `labeled` that have no row yet: only they need hashing."""
    stored = session.sql(f"select project_id as id from {table}")
    gone = np.asarray(stored.except_(labeled).fetchnumpy()["id"], dtype=np.int64)
    if len(gone):
        session.execute(f"delete from {table} where project_id in (select unnest(?::bigint[]))", [gone.tolist()])
    return np.sort(np.asarray(labeled.except_(stored).fetchnumpy()["id"], dtype=np.int64))
