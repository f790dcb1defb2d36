"""New data, as it arrives: train on the labeled projects created first, measure on the latest ones.

Two steps, so a caller with millions of projects never holds their whole matrices: `plan_time_split` picks
the projects from ids and dates alone; `measure_time_split` fits and tests on the rows the plan asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from tagifai.labelmodel.classifier import SEED, fit_predict, training_sample
from tagifai.labelmodel.combine import FunctionStats, combine
from tagifai.labelmodel.metrics import AutoAccept, TagCounts, auto_accept

TRAIN_SHARE = 0.8


@dataclass(frozen=True)
class TimeSplitPlan:
    """Positions (into the project ids the plan was made from) of each part of the split."""

    cutoff: datetime  # the created_on of the last training project
    train: np.ndarray  # the earliest 80%: the functions' weights are measured on all of them
    sample: np.ndarray  # the training projects the classifier fits on (at most max_train_rows)
    test: np.ndarray  # the latest 20%, or a fixed sample of max_test_rows of them


@dataclass(frozen=True)
class TimeSplit:
    cutoff: datetime
    n_train: int
    n_test: int
    classifier_micro_f1: float | None
    label_model_micro_f1: float | None
    classifier_accept: AutoAccept
    label_model_accept: AutoAccept


def plan_time_split(
    project_ids: Sequence[int],
    created_on: np.ndarray,
    max_train_rows: int = 0,
    max_test_rows: int = 0,
    seed: int = SEED,
) -> TimeSplitPlan | None:
    """Train on the earliest 80% of the projects with a created_on (by created_on, then id), test on the rest.

    `created_on` is a datetime64 array (NaT: no date) in the order of `project_ids`. The fit and the test take
    fixed samples (classifier.training_sample: a hash of the id) when they pass their bound (<= 0: none).
    None when fewer than 10 projects have a created_on (the 2021-03 data has none).
    """
    ids = np.asarray(project_ids, dtype=np.int64)
    created = np.asarray(created_on, dtype="datetime64[us]")
    dated = np.flatnonzero(~np.isnat(created))
    if len(dated) < 10:
        return None
    order = dated[np.lexsort((ids[dated], created[dated]))]  # by created_on, then id
    n_train = int(np.floor(TRAIN_SHARE * len(order)))
    train, test = order[:n_train], order[n_train:]
    return TimeSplitPlan(
        cutoff=created[order[n_train - 1]].astype(datetime),
        train=train,
        sample=train[training_sample(ids[train], max_train_rows, seed)],
        test=test[training_sample(ids[test], max_test_rows, seed)],
    )


def measure_time_split(
    plan: TimeSplitPlan,
    project_ids: Sequence[int],
    texts_of: Callable[[Sequence[int]], list[str]],
    sample_labels: np.ndarray,
    test_labels: np.ndarray,
    test_fired: np.ndarray,
    train_stats: FunctionStats,
    function_tag: np.ndarray,
    function_label: np.ndarray,
    min_precision: float,
    seed: int = SEED,
) -> TimeSplit:
    """Fit on the plan's sample, and measure the classifier and the label model on its test projects.

    `sample_labels` and `test_labels` are (n, K) gold rows and `test_fired` (n, F) fired functions, in the
    order of plan.sample and plan.test; `texts_of(ids)` returns those projects' texts in that order (only
    theirs are read). `train_stats` are the functions' counts on all of plan.train, for their weights.
    """
    ids = np.asarray(project_ids, dtype=np.int64)
    p = fit_predict(texts_of(ids[plan.sample].tolist()), sample_labels, texts_of(ids[plan.test].tolist()), seed)
    q = combine(p, test_fired, train_stats.weight, function_tag, function_label)
    return TimeSplit(
        cutoff=plan.cutoff,
        n_train=len(plan.train),
        n_test=len(plan.test),
        classifier_micro_f1=TagCounts.of(test_labels, p >= 0.5).micro_f1(),
        label_model_micro_f1=TagCounts.of(test_labels, q >= 0.5).micro_f1(),
        classifier_accept=auto_accept(test_labels, p, min_precision),
        label_model_accept=auto_accept(test_labels, q, min_precision),
    )
