"""The label model: the classifier's log-odds plus each labeling function's log-likelihood ratio.

For a tag k and a project, with p the classifier's probability and F_k the functions of tag k that fire:

    logit(q) = logit(p) + sum over f in F_k of sign_f * w_f
    w_f = ln( P(f fires | gold = l_f) / P(f fires | gold != l_f) )
        = ln( recall_f / false_positive_rate_f )

where l_f is the label f votes (1 or 0), sign_f is +1 for l_f = 1 and -1 for l_f = 0, recall_f is the share
of projects whose gold label is l_f on which f fires, and false_positive_rate_f = recall_f * n_l / n_not_l *
(1 - precision_f) / precision_f: the weight is a function of the function's precision and recall.
Counts get add-one smoothing, so a function that was never wrong has a finite weight. A function that does
not fire abstains (adds nothing). Weights are measured on the labeled projects of the other folds for a
labeled project, on all labeled projects for an unlabeled one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPSILON = 1e-6


def logit(p: np.ndarray) -> np.ndarray:
    """ln(p / (1 - p)), with p clipped to [1e-6, 1 - 1e-6] so 0 and 1 stay finite."""
    clipped = np.clip(np.asarray(p, dtype=np.float64), EPSILON, 1 - EPSILON)
    return np.log(clipped / (1 - clipped))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass(frozen=True)
class FunctionStats:
    """What each labeling function did on a set of labeled projects (arrays of length F)."""

    n_fired: np.ndarray
    n_correct: np.ndarray
    n_gold_label: np.ndarray
    n_gold_other: np.ndarray

    def __add__(self, other: FunctionStats) -> FunctionStats:
        """The stats of two disjoint sets of projects together (every field is a count)."""
        return FunctionStats(
            self.n_fired + other.n_fired,
            self.n_correct + other.n_correct,
            self.n_gold_label + other.n_gold_label,
            self.n_gold_other + other.n_gold_other,
        )

    @property
    def precision(self) -> np.ndarray:
        """Share of the function's votes that equal the gold label; nan for a function that never fired."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.n_fired > 0, self.n_correct / np.maximum(self.n_fired, 1), np.nan)

    @property
    def recall(self) -> np.ndarray:
        """Share of the projects whose gold label is the function's label on which it fires."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.n_gold_label > 0, self.n_correct / np.maximum(self.n_gold_label, 1), np.nan)

    @property
    def weight(self) -> np.ndarray:
        """w_f = ln(recall / false-positive rate), both with add-one smoothing (module docstring)."""
        recall = (self.n_correct + 1) / (self.n_gold_label + 2)
        false_positive_rate = (self.n_fired - self.n_correct + 1) / (self.n_gold_other + 2)
        return np.log(recall / false_positive_rate)


def function_stats(
    labels: np.ndarray, fired: np.ndarray, function_tag: np.ndarray, function_label: np.ndarray
) -> FunctionStats:
    """Count, for each function, its votes and how many equal the gold labels.

    labels: (N, K) gold 0/1; fired: (N, F) bool; function_tag: (F,) the tag column each function votes on;
    function_label: (F,) the label each votes (1 or 0).
    """
    labels = np.asarray(labels, dtype=np.int64)
    fired = np.asarray(fired, dtype=bool)
    gold = labels[:, function_tag] == np.asarray(function_label)[None, :]  # (N, F): gold equals f's label
    return FunctionStats(
        n_fired=fired.sum(axis=0),
        n_correct=(fired & gold).sum(axis=0),
        n_gold_label=gold.sum(axis=0),
        n_gold_other=(~gold).sum(axis=0),
    )


def combine(
    probabilities: np.ndarray,
    fired: np.ndarray,
    weights: np.ndarray,
    function_tag: np.ndarray,
    function_label: np.ndarray,
) -> np.ndarray:
    """q for each (project, tag): sigmoid(logit(p) + sum of the signed weights of the functions that fire).

    Where no function of the tag fires, q is p itself (not p through logit and back).
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    log_odds = logit(probabilities)
    any_fired = np.zeros(probabilities.shape, dtype=bool)
    signed = np.where(np.asarray(function_label) == 1, 1.0, -1.0) * np.asarray(weights, dtype=np.float64)
    fired = np.asarray(fired, dtype=bool)
    for f, k in enumerate(function_tag):
        log_odds[:, k] += fired[:, f] * signed[f]
        any_fired[:, k] |= fired[:, f]
    return np.where(any_fired, sigmoid(log_odds), probabilities)


def functions_alone(fired: np.ndarray, function_tag: np.ndarray, function_label: np.ndarray, n_tags: int) -> np.ndarray:
    """The functions without the classifier: 1 where more functions vote the tag on than off, else 0."""
    votes = np.zeros((fired.shape[0], n_tags))
    signed = np.where(np.asarray(function_label) == 1, 1.0, -1.0)
    for f, k in enumerate(function_tag):
        votes[:, k] += np.asarray(fired[:, f], dtype=np.float64) * signed[f]
    return (votes > 0).astype(np.int64)


def held_out_combine(
    probabilities: np.ndarray,
    labels: np.ndarray,
    folds: np.ndarray,
    fired: np.ndarray,
    function_tag: np.ndarray,
    function_label: np.ndarray,
) -> tuple[np.ndarray, dict[int, FunctionStats]]:
    """The label model for labeled projects: each fold's rows combined with weights from the other folds.

    Returns q (N, K) and the stats per held-out fold.
    """
    q = np.zeros(np.shape(probabilities))
    stats: dict[int, FunctionStats] = {}
    for fold in np.unique(folds):
        held_out = folds == fold
        stats[int(fold)] = function_stats(labels[~held_out], fired[~held_out], function_tag, function_label)
        q[held_out] = combine(
            probabilities[held_out], fired[held_out], stats[int(fold)].weight, function_tag, function_label
        )
    return q, stats
