"""The classifier's work in worker processes: the fits side by side, and batches of projects scored side by side.

A fit or a batch's scoring uses one core (TF-IDF, then liblinear or a matrix product), so on a machine with
cores to spare they run in var tag_model_processes processes. The workers are spawned, not forked: the
calling process (dbt) runs threads and DuckDB, which a fork would copy mid-flight. A model gives the same
numbers in any process.
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import numpy as np

from tagifai.labelmodel.classifier import TagModel, fit_tag_model
from tagifai.labelmodel.model_vars import whole_number_var

VAR = "tag_model_processes"


def processes_var(value: Any) -> int:
    """var tag_model_processes, a positive integer, or a one-line error naming the var."""
    return whole_number_var(VAR, value, "processes")


@contextmanager
def spawned_pool(
    processes: int, initializer: Callable[..., None] | None = None, initargs: tuple = ()
) -> Iterator[Executor]:
    """A pool of `processes` spawned workers; a worker that dies becomes a one-line error naming the var."""
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(
            max_workers=processes, mp_context=context, initializer=initializer, initargs=initargs
        ) as pool:
            yield pool
    except BrokenProcessPool as error:
        raise RuntimeError(
            f"a tag classifier worker process ended abruptly ({error}): out of memory, or a caller whose main "
            f"script cannot be imported again; run in one process with --vars '{{{VAR}: 1}}'"
        ) from error


def predict_by_model(
    texts: Sequence[str],
    scored_by: np.ndarray,
    n_tags: int,
    models: dict[int, TagModel],
    load: Callable[[int], TagModel],
) -> np.ndarray:
    """P(tag), shape (len(texts), n_tags): text i by the model scored_by[i] (-1 the whole sample's, else
    a fold's), each model loaded once when first needed (a fold model may never be)."""
    probabilities = np.zeros((len(texts), n_tags))
    for model_fold in np.unique(scored_by):
        fold = int(model_fold)
        chosen = np.flatnonzero(scored_by == model_fold)
        if fold not in models:
            models[fold] = load(fold)
        probabilities[chosen] = models[fold].predict_proba([texts[i] for i in chosen])
    return probabilities


# A worker's state: where the pickles are, and the models it has unpickled.
_WORKER_MODEL_DIR: list[Path] = []
_WORKER_MODELS: dict[int, TagModel] = {}


def _start_worker(model_dir: str) -> None:
    _WORKER_MODEL_DIR.append(Path(model_dir))


def _load_from_dir(fold: int) -> TagModel:
    return pickle.loads((_WORKER_MODEL_DIR[0] / f"{fold}.pkl").read_bytes())


def _predict_in_worker(texts: Sequence[str], scored_by: np.ndarray, n_tags: int) -> np.ndarray:
    return predict_by_model(texts, scored_by, n_tags, _WORKER_MODELS, _load_from_dir)


class BatchScorer:
    """Scores batches of projects with the stored models: in this process, or in `processes` workers.

    Workers read the pickles from files written once, each unpickling only the models its batches use, so
    no model is sent with every batch. `submit` returns a future; `in_flight` is how many batches to keep
    submitted before the caller waits for the oldest (bounded memory: a few batches' texts and rows).
    """

    def __init__(self, pickles: dict[int, bytes], n_tags: int, processes: int) -> None:
        self.pickles = pickles
        self.n_tags = n_tags
        self.processes = processes
        self.in_flight = processes
        self._models: dict[int, TagModel] = {}
        self._stack: Any = None
        self._pool: Executor | None = None

    def __enter__(self) -> BatchScorer:
        if self.processes > 1:
            self._directory = TemporaryDirectory(prefix="tagifai-models-")
            for fold, data in self.pickles.items():
                (Path(self._directory.name) / f"{fold}.pkl").write_bytes(data)
            self._stack = spawned_pool(self.processes, _start_worker, (self._directory.name,))
            self._pool = self._stack.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._stack is not None:
            try:
                self._stack.__exit__(*exc_info)
            finally:
                self._directory.cleanup()

    def submit(self, texts: Sequence[str], scored_by: np.ndarray) -> Future[np.ndarray]:
        if self._pool is not None:
            return self._pool.submit(_predict_in_worker, list(texts), scored_by, self.n_tags)
        done: Future[np.ndarray] = Future()
        done.set_result(
            predict_by_model(texts, scored_by, self.n_tags, self._models, lambda fold: pickle.loads(self.pickles[fold]))
        )
        return done


def fit_tag_models(
    texts: Sequence[str], labels: np.ndarray, train_sets: Sequence[np.ndarray], seed: int, processes: int
) -> list[TagModel]:
    """One model per training set (positions into texts and labels), in order, `processes` at a time."""
    labels = np.asarray(labels)
    jobs = [([texts[i] for i in train], labels[train], seed) for train in train_sets]
    if processes <= 1 or len(jobs) <= 1:
        return [fit_tag_model(*job) for job in jobs]
    with spawned_pool(min(processes, len(jobs))) as pool:
        futures = [pool.submit(fit_tag_model, *job) for job in jobs]
        return [future.result() for future in futures]
