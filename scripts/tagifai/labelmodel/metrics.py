"""Multi-label metrics computed directly from 0/1 matrices (no library), as the marts report them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _f1(tp: float, fp: float, fn: float) -> float | None:
    denominator = 2 * tp + fp + fn
    return None if denominator == 0 else 2 * tp / denominator


@dataclass(frozen=True)
class TagCounts:
    """Per tag column: true positives, false positives and false negatives (arrays of length K).

    Sums over projects, so counts of chunks of projects add up to the counts of all of them: the metrics
    of millions of projects never need their whole matrices at once.
    """

    tp: np.ndarray
    fp: np.ndarray
    fn: np.ndarray

    @classmethod
    def zeros(cls, n_tags: int) -> TagCounts:
        return cls(*(np.zeros(n_tags, dtype=np.int64) for _ in range(3)))

    @classmethod
    def of(cls, labels: np.ndarray, predicted: np.ndarray) -> TagCounts:
        y, p = np.asarray(labels, dtype=bool), np.asarray(predicted, dtype=bool)
        return cls((y & p).sum(axis=0), (~y & p).sum(axis=0), (y & ~p).sum(axis=0))

    def __add__(self, other: TagCounts) -> TagCounts:
        return TagCounts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def columns(self, columns: np.ndarray) -> TagCounts:
        """The counts of these tag columns only."""
        return TagCounts(self.tp[columns], self.fp[columns], self.fn[columns])

    def micro_f1(self) -> float | None:
        """F1 over every (project, tag) pair pooled."""
        return _f1(float(self.tp.sum()), float(self.fp.sum()), float(self.fn.sum()))

    def per_tag_f1(self) -> list[float | None]:
        """F1 of each tag column; None for a tag with no gold and no predicted positive."""
        return [_f1(float(tp), float(fp), float(fn)) for tp, fp, fn in zip(self.tp, self.fp, self.fn, strict=True)]

    def macro_f1(self) -> float | None:
        """Mean of the per-tag F1 over the tags that have a gold or a predicted positive."""
        scores = [s for s in self.per_tag_f1() if s is not None]
        return float(np.mean(scores)) if scores else None

    def precision_recall(self) -> tuple[float | None, float | None]:
        tp, predicted, gold = float(self.tp.sum()), float((self.tp + self.fp).sum()), float((self.tp + self.fn).sum())
        return (tp / predicted if predicted else None, tp / gold if gold else None)


def hits_at_1(labels: np.ndarray, probabilities: np.ndarray) -> int:
    """Projects whose most probable tag is one of their gold tags (ties: the first tag column)."""
    y = np.asarray(labels, dtype=bool)
    if len(y) == 0:
        return 0
    top = np.asarray(probabilities).argmax(axis=1)
    return int(y[np.arange(len(y)), top].sum())


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
