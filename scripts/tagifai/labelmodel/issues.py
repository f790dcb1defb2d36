"""Label issues: confident learning (cleanlab) on out-of-fold probabilities, per (project, tag).

One tag at a time, as cleanlab's find_multilabel_issues_per_class does inside (each tag is its own binary
problem): memory holds a few columns of the labeled projects, never their (N, K) matrices.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LabelIssues:
    """The flagged (row, tag) pairs, ranked by label quality score (lowest first); arrays of one length."""

    row: np.ndarray
    tag_index: np.ndarray
    is_spurious: np.ndarray  # True: gold 1, the model says 0; False ('missing'): gold 0, the model says 1
    label_quality_score: np.ndarray
    model_probability: np.ndarray

    def __len__(self) -> int:
        return len(self.row)

    @property
    def issue_kind(self) -> np.ndarray:
        return np.where(self.is_spurious, "spurious", "missing").astype(object)


def flag_tag(labels: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """Which rows' label of one tag confident learning flags: cleanlab's per-class step of
    find_multilabel_issues_per_class (prune by noise rate on the binary problem [1 - p, p]).

    A tag every row has, or none has, cannot be judged (cleanlab needs both labels to estimate its noise).
    """
    # Imported here: a build that keeps its label issues (nothing they read changed) never pays for it.
    import cleanlab.filter

    y = np.asarray(labels, dtype=np.int64)
    p = np.asarray(probabilities, dtype=np.float64)
    if len(y) == 0 or y.sum() in (0, len(y)):
        return np.zeros(len(y), dtype=bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # n_jobs=1: no process pool, which would start inside dbt's own process and cost more than the work.
        flagged = cleanlab.filter.find_label_issues(
            labels=y,
            pred_probs=np.column_stack([1 - p, p]),
            filter_by="prune_by_noise_rate",
            frac_noise=1.0,
            min_examples_per_class=1,
            n_jobs=1,
        )
    return np.asarray(flagged, dtype=bool)


def find_issues_by_tag(columns: Iterable[tuple[int, np.ndarray, np.ndarray]]) -> LabelIssues:
    """Every flagged (row, tag), ranked. `columns` yields (tag index, labels, probabilities) per tag, each
    over the same rows in the same order.

    Score: the self-confidence of the given label, p for a gold 1 and 1 - p for a gold 0, the probability
    the model gives the author's label. Ties break by row then tag, so the ranking is deterministic.
    """
    parts: list[tuple[np.ndarray, ...]] = []
    for tag_index, labels, probabilities in columns:
        y = np.asarray(labels, dtype=np.int64)
        p = np.asarray(probabilities, dtype=np.float64)
        rows = np.flatnonzero(flag_tag(y, p))
        quality = np.where(y[rows] == 1, p[rows], 1 - p[rows])
        parts.append((rows, np.full(len(rows), tag_index, dtype=np.int64), y[rows] == 1, quality, p[rows]))
    if not parts:
        empty = np.zeros(0)
        return LabelIssues(empty.astype(np.int64), empty.astype(np.int64), empty.astype(bool), empty, empty)
    row, tag_index, is_spurious, quality, probability = (np.concatenate(arrays) for arrays in zip(*parts, strict=True))
    order = np.lexsort((tag_index, row, quality))
    return LabelIssues(row[order], tag_index[order], is_spurious[order], quality[order], probability[order])


def find_issues(labels: np.ndarray, probabilities: np.ndarray) -> LabelIssues:
    """find_issues_by_tag over the columns of (N, K) matrices (for callers that hold them)."""
    y = np.asarray(labels)
    p = np.asarray(probabilities)
    return find_issues_by_tag((k, y[:, k], p[:, k]) for k in range(y.shape[1] if y.ndim == 2 else 0))
