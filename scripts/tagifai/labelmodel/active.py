"""Active learning's order: the projects the classifier is least sure of first."""

from __future__ import annotations

import numpy as np


def margin(probabilities: np.ndarray) -> np.ndarray:
    """Each project's margin: the smallest |p - 0.5| over its tags (0 = a tag the model cannot call)."""
    p = np.asarray(probabilities, dtype=np.float64)
    if p.shape[1] == 0:
        return np.full(len(p), 0.5)
    return np.abs(p - 0.5).min(axis=1)


def margin_order(probabilities: np.ndarray) -> np.ndarray:
    """Row positions by ascending margin (ties in row order): the order to annotate in."""
    return np.argsort(margin(probabilities), kind="stable")
