"""The tag classifier: TF-IDF features and one-vs-rest logistic regression, with fixed folds and seeds.

Folds are a hash of (seed, project id), not a shuffle: a project stays in its fold when others arrive or
leave, so a rebuild on the same data gives the same probabilities, and a new project changes no fold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

N_FOLDS = 5
SEED = 42
# Logistic regression's inverse regularisation: measured on the 2021-03 data (issue 30).
C = 10.0


def make_classifier(seed: int = SEED) -> Pipeline:
    """TF-IDF of word 1-2 grams and character 2-5 grams, then one logistic regression per tag."""
    # Imported here: scikit-learn takes seconds to import, and a build that fits nothing (the folds, an
    # unchanged fit) never needs it.
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
        ]
    )
    # liblinear's dual solver: far faster than lbfgs when features outnumber projects, same fit.
    model = LogisticRegression(
        C=C, class_weight="balanced", solver="liblinear", dual=True, max_iter=1000, random_state=seed
    )
    return Pipeline([("features", features), ("classifier", OneVsRestClassifier(model))])


def stable_hash(seed: int, key: object) -> int:
    """A 64-bit hash of (seed, key) that is the same in every process and Python version."""
    digest = hashlib.blake2b(f"{seed}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def fold_of(project_ids: Sequence[int], n_folds: int = N_FOLDS, seed: int = SEED) -> np.ndarray:
    """Each project's fold, 0 .. n_folds - 1, from a hash of its id: independent of the other projects."""
    # fromiter: one int64 per project, no list of Python ints (14M projects at 20M loaded).
    return np.fromiter(
        (stable_hash(seed, int(pid)) % n_folds for pid in project_ids), dtype=np.int64, count=len(project_ids)
    )


def training_sample(project_ids: Sequence[int], max_rows: int, seed: int = SEED) -> np.ndarray:
    """Positions of at most `max_rows` projects to fit on: those with the smallest hash of (seed, id).

    A fixed rule, not a random draw, so the sample is the same on every rebuild, and a project that
    arrives displaces at most one that was in it. `max_rows` <= 0 means no bound.
    """
    n = len(project_ids)
    if max_rows <= 0 or n <= max_rows:
        return np.arange(n)
    keys = np.fromiter((stable_hash(seed + 1, int(pid)) for pid in project_ids), dtype=np.uint64, count=n)
    return np.sort(np.argsort(keys, kind="stable")[:max_rows])


PREDICT_BATCH_ROWS = 50_000


@dataclass
class TagModel:
    """A fitted classifier for K tags: the pipeline for the tags it could fit, a constant for the others.

    Stored in intermediate.int_tag_model_fits (pickled), so a build that does not refit scores new and
    changed projects without fitting again.
    """

    fittable: np.ndarray  # (K,) bool: the tag had positive and negative training rows
    constant: np.ndarray  # (K,) float: for the other tags, their share among the training rows
    pipeline: Pipeline | None

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """P(tag) for `texts`, shape (len(texts), K)."""
        out = np.tile(self.constant, (len(texts), 1)).astype(np.float64)
        if self.pipeline is None or len(texts) == 0:
            return out
        # In batches: the TF-IDF matrix of all texts at once grows with the data (memory stays bounded).
        for start in range(0, len(texts), PREDICT_BATCH_ROWS):
            batch = list(texts[start : start + PREDICT_BATCH_ROWS])
            out[start : start + len(batch), self.fittable] = self.pipeline.predict_proba(batch)
        return out


def fit_tag_model(train_texts: Sequence[str], train_labels: np.ndarray, seed: int = SEED) -> TagModel:
    """Fit on (train_texts, train_labels (N, K)). A tag with no positive (or no negative) training row
    cannot be fit: its probability is that constant share."""
    train_labels = np.asarray(train_labels, dtype=np.int64)
    positives = train_labels.sum(axis=0)
    fittable = (positives > 0) & (positives < len(train_labels))
    constant = np.where(fittable, 0.0, positives / max(len(train_labels), 1))
    pipeline = None
    if fittable.any():
        pipeline = make_classifier(seed)
        pipeline.fit(list(train_texts), train_labels[:, fittable])
    return TagModel(fittable=fittable, constant=constant, pipeline=pipeline)


def _fit_predict(train_texts: Sequence[str], train_labels: np.ndarray, texts: Sequence[str], seed: int) -> np.ndarray:
    """Fit on (train_texts, train_labels) and return P(tag) for `texts`, shape (len(texts), K)."""
    if len(texts) == 0:
        return np.zeros((0, np.asarray(train_labels).shape[1]))
    return fit_tag_model(train_texts, train_labels, seed).predict_proba(texts)


def fit_predict(
    train_texts: Sequence[str],
    train_labels: np.ndarray,
    texts: Sequence[str],
    seed: int = SEED,
) -> np.ndarray:
    """Probabilities for `texts` from one model fit on all the training rows given."""
    return _fit_predict(train_texts, np.asarray(train_labels, dtype=np.int64), texts, seed)


def out_of_fold_probabilities(
    project_ids: Sequence[int],
    texts: Sequence[str],
    labels: np.ndarray,
    n_folds: int = N_FOLDS,
    seed: int = SEED,
    max_train_rows: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities (N, K), folds (N,)): each project's probabilities come from the model of its fold,
    fit only on projects of the other folds (at most `max_train_rows` of them, a fixed sample)."""
    labels = np.asarray(labels, dtype=np.int64)
    texts = list(texts)
    folds = fold_of(project_ids, n_folds, seed)
    sample = np.zeros(len(texts), dtype=bool)
    sample[training_sample(project_ids, max_train_rows, seed)] = True
    probabilities = np.zeros(labels.shape, dtype=np.float64)
    for fold in range(n_folds):
        held_out = folds == fold
        if not held_out.any():
            continue
        train = ~held_out & sample
        train_idx = np.flatnonzero(train)
        probabilities[held_out] = _fit_predict(
            [texts[i] for i in train_idx],
            labels[train_idx],
            [texts[i] for i in np.flatnonzero(held_out)],
            seed,
        )
    return probabilities, folds
