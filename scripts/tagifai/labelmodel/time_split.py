"""New data, as it arrives: train on the labeled projects created first, measure on the latest ones."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from tagifai.labelmodel.classifier import SEED, fit_predict, training_sample
from tagifai.labelmodel.combine import combine, function_stats
from tagifai.labelmodel.metrics import AutoAccept, auto_accept, micro_f1

TRAIN_SHARE = 0.8


@dataclass(frozen=True)
class TimeSplit:
    cutoff: datetime  # the created_on of the last training project
    n_train: int
    n_test: int
    classifier_micro_f1: float | None
    label_model_micro_f1: float | None
    classifier_accept: AutoAccept
    label_model_accept: AutoAccept


def time_split(
    project_ids: Sequence[int],
    created_on: np.ndarray,
    texts_of: Callable[[Sequence[int]], list[str]],
    labels: np.ndarray,
    fired: np.ndarray,
    function_tag: np.ndarray,
    function_label: np.ndarray,
    min_precision: float,
    max_train_rows: int = 0,
    seed: int = SEED,
) -> TimeSplit | None:
    """Fit on the earliest 80% of the projects with a created_on (by created_on, then id), test on the rest.

    `created_on` is a datetime64 array (NaT: no date) in the order of `project_ids`; `texts_of(ids)` returns
    those projects' texts in that order. Only the training sample's and the test's texts are read, never
    every labeled project's. The functions' weights are measured on the training projects only. None when
    fewer than 10 projects have a created_on (the 2021-03 data has none).
    """
    ids = np.asarray(project_ids, dtype=np.int64)
    created = np.asarray(created_on, dtype="datetime64[us]")
    dated = np.flatnonzero(~np.isnat(created))
    if len(dated) < 10:
        return None
    order = dated[np.lexsort((ids[dated], created[dated]))]  # by created_on, then id
    n_train = int(np.floor(TRAIN_SHARE * len(order)))
    train, test = order[:n_train], order[n_train:]
    sample = train[training_sample(ids[train].tolist(), max_train_rows, seed)]
    p = fit_predict(texts_of(ids[sample].tolist()), labels[sample], texts_of(ids[test].tolist()), seed)
    weights = function_stats(labels[train], fired[train], function_tag, function_label).weight
    q = combine(p, fired[test], weights, function_tag, function_label)
    y = labels[test]
    return TimeSplit(
        cutoff=created[order[n_train - 1]].astype(datetime),
        n_train=len(train),
        n_test=len(test),
        classifier_micro_f1=micro_f1(y, p >= 0.5),
        label_model_micro_f1=micro_f1(y, q >= 0.5),
        classifier_accept=auto_accept(y, p, min_precision),
        label_model_accept=auto_accept(y, q, min_precision),
    )
