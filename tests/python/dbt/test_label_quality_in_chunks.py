"""label_quality counts its figures a chunk of projects at a time (tagifai/labelmodel/quality.py), so its
memory holds one chunk, not every labeled project (issues 30 and 31, 20M projects). The chunked counts must
equal the figures of the whole matrices, computed here independently: scikit-learn's metrics and loops
written out."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest
from sklearn.metrics import f1_score, precision_score, recall_score

from tagifai.labelmodel.quality import ChunkRows, count_in_chunks
from tagifai.labelmodel.time_split import plan_time_split

N, K, F = 503, 6, 9


@pytest.fixture(scope="module")
def whole() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    ids = np.sort(rng.choice(100_000, size=N, replace=False)).astype(np.int64)
    labels = (rng.random((N, K)) < 0.3).astype(np.int8)
    labels[:, 5] = 0  # a tag no project carries
    created = np.datetime64("2020-01-01T00:00:00", "us") + rng.integers(0, 400, N).astype("timedelta64[D]")
    created[rng.random(N) < 0.1] = np.datetime64("NaT")
    return {
        "ids": ids,
        "labels": labels,
        "classifier": rng.random((N, K)),
        "label_model": rng.random((N, K)),
        "fired": rng.random((N, F)) < 0.2,
        "function_tag": rng.integers(0, K, F),
        "function_label": rng.integers(0, 2, F),
        "created": created,
    }


def _rows_of(whole: dict[str, np.ndarray], asked: list[int]):  # noqa: ANN202 - a closure for count_in_chunks
    position = {int(pid): i for i, pid in enumerate(whole["ids"])}

    def rows_of(chunk_ids: np.ndarray) -> ChunkRows:
        asked.append(len(chunk_ids))
        at = [position[int(pid)] for pid in chunk_ids]
        return ChunkRows(whole["labels"][at], whole["classifier"][at], whole["label_model"][at], whole["fired"][at])

    return rows_of


@pytest.mark.parametrize("chunk_projects", [1, 7, 100, 10_000])
def test_counts_over_chunks_equal_the_whole_matrices_figures(whole: dict[str, np.ndarray], chunk_projects: int) -> None:
    plan = plan_time_split(whole["ids"], whole["created"], max_train_rows=150, max_test_rows=40)
    assert plan is not None
    asked: list[int] = []
    counts = count_in_chunks(
        whole["ids"], K, whole["function_tag"], whole["function_label"], _rows_of(whole, asked), plan, chunk_projects
    )
    assert max(asked) <= chunk_projects and sum(asked) == N  # never more than a chunk at a time, every row once

    y = whole["labels"].astype(bool)
    for counted, probabilities in (
        (counts.classifier, whole["classifier"]),
        (counts.label_model, whole["label_model"]),
    ):
        predicted = probabilities >= 0.5
        assert counted.micro_f1() == pytest.approx(f1_score(y, predicted, average="micro"))
        assert counted.precision_recall() == pytest.approx(
            (precision_score(y, predicted, average="micro"), recall_score(y, predicted, average="micro"))
        )
        # Macro over the tags that have a gold or a predicted positive (tag 5 has gold none, predictions some).
        scored = [k for k in range(K) if y[:, k].any() or predicted[:, k].any()]
        assert counted.macro_f1() == pytest.approx(f1_score(y[:, scored], predicted[:, scored], average="macro"))
        columns = np.array([0, 2])
        assert counted.columns(columns).micro_f1() == pytest.approx(
            f1_score(y[:, columns], predicted[:, columns], average="micro")
        )
    for hits, probabilities in (
        (counts.classifier_hits_at_1, whole["classifier"]),
        (counts.label_model_hits_at_1, whole["label_model"]),
    ):
        assert hits == sum(bool(y[i, int(np.argmax(probabilities[i]))]) for i in range(N))

    votes = np.zeros((N, K))
    for f in range(F):
        votes[:, whole["function_tag"][f]] += np.where(whole["fired"][:, f], 1 if whole["function_label"][f] else -1, 0)
    assert counts.functions_alone.micro_f1() == pytest.approx(f1_score(y, votes > 0, average="micro"))

    # The time split's rows: the functions' counts on every training project, written out as loops ...
    train = set(plan.train.tolist())
    for f in range(F):
        gold = [whole["labels"][i, whole["function_tag"][f]] == whole["function_label"][f] for i in sorted(train)]
        fired = [whole["fired"][i, f] for i in sorted(train)]
        assert counts.train_stats.n_fired[f] == sum(fired)
        assert counts.train_stats.n_correct[f] == sum(g and r for g, r in zip(gold, fired, strict=True))
        assert counts.train_stats.n_gold_label[f] == sum(gold)
        assert counts.train_stats.n_gold_other[f] == len(gold) - sum(gold)
    # ... and the sample's and the test's rows in the plan's own order (not by position).
    assert len(plan.sample) == 150 and len(plan.test) == 40
    assert np.array_equal(counts.sample_labels, whole["labels"][plan.sample])
    assert np.array_equal(counts.test_labels, whole["labels"][plan.test])
    assert np.array_equal(counts.test_fired, whole["fired"][plan.test])


def test_the_time_split_tests_a_fixed_sample_of_the_latest_projects(whole: dict[str, np.ndarray]) -> None:
    full = plan_time_split(whole["ids"], whole["created"])
    bounded = plan_time_split(whole["ids"], whole["created"], max_test_rows=40)
    again = plan_time_split(whole["ids"], whole["created"], max_test_rows=40)
    assert full is not None and bounded is not None and again is not None
    dated = [i for i in range(N) if not np.isnat(whole["created"][i])]
    order = sorted(dated, key=lambda i: (whole["created"][i], whole["ids"][i]))
    n_train = int(0.8 * len(order))
    assert full.train.tolist() == order[:n_train] and full.test.tolist() == order[n_train:]
    assert full.cutoff == whole["created"][order[n_train - 1]].astype(datetime)
    assert np.array_equal(bounded.train, full.train)
    assert len(bounded.test) == 40 and set(bounded.test.tolist()) <= set(full.test.tolist())
    assert np.array_equal(bounded.test, again.test)  # the same sample on every build


def test_no_time_split_without_dates(whole: dict[str, np.ndarray]) -> None:
    undated = np.full(N, np.datetime64("NaT"), dtype="datetime64[us]")
    assert plan_time_split(whole["ids"], undated) is None
    counts = count_in_chunks(
        whole["ids"], K, whole["function_tag"], whole["function_label"], _rows_of(whole, []), None, 50
    )
    assert counts.train_stats is None and counts.test_labels is None
    assert counts.classifier.micro_f1() == pytest.approx(
        f1_score(whole["labels"].astype(bool), whole["classifier"] >= 0.5, average="micro")
    )
