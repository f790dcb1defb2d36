"""marts.label_quality's figures, counted over chunks of projects: memory holds one chunk's matrices, not
every labeled project's (at 20M projects the (project, tag) matrices alone would pass 6 GiB).

Every figure is a sum over projects (true and false positives per tag, top-1 hits, the functions' counts),
so the chunks' counts add up to the counts of all the projects, exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from tagifai.labelmodel.combine import FunctionStats, function_stats, functions_alone
from tagifai.labelmodel.metrics import TagCounts, hits_at_1
from tagifai.labelmodel.time_split import TimeSplitPlan

CHUNK_PROJECTS = 200_000


@dataclass(frozen=True)
class ChunkRows:
    """One chunk's rows, in the order of its project ids: gold labels (n, K), the classifier's and the label
    model's out-of-fold probabilities (n, K), and the functions that fired (n, F)."""

    labels: np.ndarray
    classifier: np.ndarray
    label_model: np.ndarray
    fired: np.ndarray


@dataclass(frozen=True)
class QualityCounts:
    n_projects: int
    classifier: TagCounts  # at probability 0.5
    label_model: TagCounts
    functions_alone: TagCounts  # more of a tag's functions vote it on than off
    classifier_hits_at_1: int
    label_model_hits_at_1: int
    # The time split's rows, when there is one: the functions' counts on all its training projects, and
    # the gold rows of its fit sample and its test projects (in the plan's order), with the test's fired.
    train_stats: FunctionStats | None
    sample_labels: np.ndarray | None
    test_labels: np.ndarray | None
    test_fired: np.ndarray | None


def count_in_chunks(
    project_ids: np.ndarray,
    n_tags: int,
    function_tag: np.ndarray,
    function_label: np.ndarray,
    rows_of: Callable[[np.ndarray], ChunkRows],
    plan: TimeSplitPlan | None,
    chunk_projects: int = CHUNK_PROJECTS,
) -> QualityCounts:
    """Add up the figures of `project_ids` (ascending), reading `rows_of(chunk_ids)` a chunk at a time."""
    n = len(project_ids)
    classifier = label_model = alone = TagCounts.zeros(n_tags)
    classifier_hits = label_model_hits = 0
    train_stats = FunctionStats(*(np.zeros(len(function_tag), dtype=np.int64) for _ in range(4)))
    in_train = _mask(n, plan.train if plan else None)
    in_sample = _mask(n, plan.sample if plan else None)
    in_test = _mask(n, plan.test if plan else None)
    sample_parts: list[np.ndarray] = []
    test_parts: list[tuple[np.ndarray, np.ndarray]] = []
    for start in range(0, n, chunk_projects):
        chunk = slice(start, min(start + chunk_projects, n))
        rows = rows_of(project_ids[chunk])
        classifier += TagCounts.of(rows.labels, rows.classifier >= 0.5)
        label_model += TagCounts.of(rows.labels, rows.label_model >= 0.5)
        alone += TagCounts.of(rows.labels, functions_alone(rows.fired, function_tag, function_label, n_tags))
        classifier_hits += hits_at_1(rows.labels, rows.classifier)
        label_model_hits += hits_at_1(rows.labels, rows.label_model)
        if plan is not None:
            train = in_train[chunk]
            train_stats += function_stats(rows.labels[train], rows.fired[train], function_tag, function_label)
            sample_parts.append(rows.labels[in_sample[chunk]])
            test_parts.append((rows.labels[in_test[chunk]], rows.fired[in_test[chunk]]))
    counts = QualityCounts(n, classifier, label_model, alone, classifier_hits, label_model_hits, None, None, None, None)
    if plan is None:
        return counts
    # The parts are in ascending position; the plan lists its positions in its own order (a plan has at
    # least 10 projects, so there is at least one chunk).
    return replace(
        counts,
        train_stats=train_stats,
        sample_labels=_in_plan_order(np.concatenate(sample_parts), plan.sample),
        test_labels=_in_plan_order(np.concatenate([labels for labels, _ in test_parts]), plan.test),
        test_fired=_in_plan_order(np.concatenate([fired for _, fired in test_parts]), plan.test),
    )


def _mask(n: int, positions: np.ndarray | None) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    if positions is not None:
        mask[positions] = True
    return mask


def _in_plan_order(rows_by_position: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Rows gathered in ascending position, reordered to follow `positions` (distinct positions)."""
    return rows_by_position[np.searchsorted(np.sort(positions), positions)]
