"""Label issues: confident learning (cleanlab) on out-of-fold probabilities, per (project, tag)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from cleanlab.multilabel_classification.filter import find_multilabel_issues_per_class


@dataclass(frozen=True)
class LabelIssue:
    row: int
    tag_index: int
    issue_kind: str  # 'missing' (gold 0, the model says 1) or 'spurious' (gold 1, the model says 0)
    label_quality_score: float
    model_probability: float


def find_issues(labels: np.ndarray, probabilities: np.ndarray) -> list[LabelIssue]:
    """Every (row, tag) confident learning flags, ranked by label quality score (lowest first).

    Flagged: cleanlab's find_multilabel_issues_per_class (prune by noise rate): per tag, the pairs whose
    given label the confident joint estimates to be wrong. Score: the self-confidence of the given label,
    p for a gold 1 and 1 - p for a gold 0, the probability the model gives the author's label.
    Ties break by row then tag, so the ranking is deterministic.
    """
    y = np.asarray(labels, dtype=np.int64)
    p = np.asarray(probabilities, dtype=np.float64)
    if len(y) == 0 or y.shape[1] == 0:
        return []
    # cleanlab needs both labels present in a tag to estimate its noise; other tags cannot be judged.
    judged = (y.sum(axis=0) > 0) & (y.sum(axis=0) < len(y))
    flagged = np.zeros(y.shape, dtype=bool)
    if judged.any():
        given = [list(np.flatnonzero(row)) for row in y[:, judged]]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # n_jobs=1: no process pool, which would start inside dbt's own process and cost more than the
            # work it shares out.
            found = find_multilabel_issues_per_class(given, p[:, judged], n_jobs=1)
            flagged[:, judged] = np.asarray(found, dtype=bool)
    quality = np.where(y == 1, p, 1 - p)
    rows, tags = np.nonzero(flagged)
    order = np.lexsort((tags, rows, quality[rows, tags]))
    return [
        LabelIssue(
            row=int(rows[i]),
            tag_index=int(tags[i]),
            issue_kind="spurious" if y[rows[i], tags[i]] == 1 else "missing",
            label_quality_score=float(quality[rows[i], tags[i]]),
            model_probability=float(p[rows[i], tags[i]]),
        )
        for i in order
    ]
