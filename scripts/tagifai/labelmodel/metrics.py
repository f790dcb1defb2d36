"""Multi-label metrics computed directly from 0/1 matrices (no library), as the marts report them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _f1(tp: float, fp: float, fn: float) -> float | None:
    denominator = 2 * tp + fp + fn
    return None if denominator == 0 else 2 * tp / denominator


def micro_f1(labels: np.ndarray, predicted: np.ndarray) -> float | None:
    """F1 over every (project, tag) pair pooled."""
    y, p = np.asarray(labels, dtype=bool), np.asarray(predicted, dtype=bool)
    return _f1(float((y & p).sum()), float((~y & p).sum()), float((y & ~p).sum()))


def per_tag_f1(labels: np.ndarray, predicted: np.ndarray) -> list[float | None]:
    """F1 of each tag column; None for a tag with no gold and no predicted positive."""
    y, p = np.asarray(labels, dtype=bool), np.asarray(predicted, dtype=bool)
    return [
        _f1(float((y[:, k] & p[:, k]).sum()), float((~y[:, k] & p[:, k]).sum()), float((y[:, k] & ~p[:, k]).sum()))
        for k in range(y.shape[1])
    ]


def macro_f1(labels: np.ndarray, predicted: np.ndarray) -> float | None:
    """Mean of the per-tag F1 over the tags that have a gold or a predicted positive."""
    scores = [s for s in per_tag_f1(labels, predicted) if s is not None]
    return float(np.mean(scores)) if scores else None


def precision_recall(labels: np.ndarray, predicted: np.ndarray) -> tuple[float | None, float | None]:
    y, p = np.asarray(labels, dtype=bool), np.asarray(predicted, dtype=bool)
    tp = float((y & p).sum())
    return (tp / p.sum() if p.sum() else None, tp / y.sum() if y.sum() else None)


def precision_at_1(labels: np.ndarray, probabilities: np.ndarray) -> float | None:
    """Share of projects whose most probable tag is one of their gold tags (ties: the first tag column)."""
    y = np.asarray(labels, dtype=bool)
    if len(y) == 0:
        return None
    top = np.asarray(probabilities).argmax(axis=1)
    return float(y[np.arange(len(y)), top].mean())


@dataclass(frozen=True)
class AutoAccept:
    """Accept every (project, tag) with score >= threshold: the precision reached and the share of true
    labels accepted. threshold is None when no threshold reaches the precision asked."""

    threshold: float | None
    precision: float | None
    share_of_true_labels: float


def auto_accept(labels: np.ndarray, scores: np.ndarray, min_precision: float) -> AutoAccept:
    """The lowest score threshold whose accepted pairs have precision >= min_precision (most labels accepted).

    Thresholds are the distinct scores, so pairs with the same score are accepted or not together.
    """
    y = np.asarray(labels, dtype=np.int64).ravel()
    s = np.asarray(scores, dtype=np.float64).ravel()
    if y.sum() == 0:
        return AutoAccept(None, None, 0.0)
    order = np.argsort(-s, kind="stable")
    s_sorted, true_sorted = s[order], np.cumsum(y[order])
    # The last position of each distinct score: accepting "score >= t" accepts exactly up to there.
    last_of_value = np.flatnonzero(np.r_[s_sorted[1:] != s_sorted[:-1], True])
    accepted = last_of_value + 1
    precision = true_sorted[last_of_value] / accepted
    good = np.flatnonzero(precision >= min_precision)
    if len(good) == 0:
        return AutoAccept(None, None, 0.0)
    best = good[-1]
    position = last_of_value[best]
    return AutoAccept(
        threshold=float(s_sorted[position]),
        precision=float(precision[best]),
        share_of_true_labels=float(true_sorted[position] / y.sum()),
    )
