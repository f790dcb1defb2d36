"""marts.tag_model_predictions: per (project, kept tag), the text classifier's probability.

The models are intermediate.int_tag_model_fits' (one per fold, one on the whole training sample). A
labeled project in the training sample is scored by its fold's model, which never saw it; every other
project by the model fit on the whole sample (which never saw a labeled project outside the sample
either). Incremental: after a refit every project is scored again (the old fit's rows are deleted first);
otherwise only new and changed ones, and the post-hooks in _labeling__learned.yml delete the rows they
replace and those of projects no longer loaded. See docs/labeling.md.

Projects are scored var tag_model_score_batch_projects at a time, each batch written to a scratch table
that the post-hook drops: memory holds a few batches' texts and rows, not every (project, tag) row of a fresh
build. When there is more than one batch, var tag_model_processes workers score them side by side
(tagifai/labelmodel/processes.py) while this process reads the next batch and writes the last.
"""

from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tagifai.labelmodel.classifier import N_FOLDS, SEED, fold_of
from tagifai.labelmodel.frames import long_frame
from tagifai.labelmodel.model_vars import whole_number_var
from tagifai.labelmodel.processes import BatchScorer, processes_var

SCRATCH_SUFFIX = "__batches"
SCRATCH_COLUMNS = (
    "project_id bigint, tag varchar, probability double, is_out_of_fold boolean, fold bigint, "
    "model_version varchar, loaded_at timestamp with time zone"
)


def model(dbt: Any, session: Any) -> Any:
    dbt.config(materialized="incremental", incremental_strategy="append", tags=["duckdb_only"])
    batch_projects = whole_number_var(
        "tag_model_score_batch_projects", dbt.config.get("score_batch_projects"), "projects"
    )
    fits = dbt.ref("int_tag_model_fits").select("model_fold, fit_version, train_ids, model_pickle").fetchall()
    pickles = {int(row[0]): row[3] for row in fits}
    version = fits[0][1]
    sample = np.array(next(row[2] for row in fits if row[0] == -1), dtype=np.int64)
    tags = [row[0] for row in dbt.ref("tag_frequencies").filter("is_kept").order("tag").fetchall()]
    labeled_ids = dbt.ref("labeled_projects").select("id").fetchnumpy()
    labeled = np.asarray(labeled_ids["id"], dtype=np.int64)
    projects = dbt.ref("stg_madewithml__projects")

    if dbt.is_incremental:
        stored = session.sql(
            f"select min(model_version), max(model_version), max(loaded_at) from {dbt.this}"
        ).fetchall()[0]
        if stored[0] == stored[1] == version:
            # The same fit (one version per table): score only the projects loaded since the last build.
            # The bookmark is read once, as a literal: not a subquery over every row in each batch's read.
            projects = projects.filter(f"loaded_at > '{stored[2]}'::timestamptz") if stored[2] else projects
        else:
            # Another fit: every project is scored again, so no stored row survives.
            session.execute(f"delete from {dbt.this}")
    to_score = projects.select("project_id").order("project_id").fetchnumpy()
    ids = np.asarray(to_score["project_id"], dtype=np.int64)
    scratch = f'"{dbt.this.database}"."{dbt.this.schema}"."{dbt.this.identifier}{SCRATCH_SUFFIX}"'
    # The scratch table always exists, empty when nothing is scored: the post-hook reads it to find the rows
    # the new ones replace, at the cost of the change, not of the table.
    session.execute(f"create or replace table {scratch} ({SCRATCH_COLUMNS})")
    starts = range(0, len(ids), batch_projects)
    # More than one batch: score them side by side in var tag_model_processes workers while this process
    # reads the next batch and writes the last; one batch (the real data, a daily run) stays in-process.
    # The var is checked on every run, so a bad value stops the first build, not the first large one.
    processes = processes_var(dbt.config.get("processes"))
    processes = processes if len(starts) > 1 else 1
    pending: deque[tuple[Batch, Future[np.ndarray]]] = deque()
    with BatchScorer(pickles, len(tags), processes) as scorer:
        for start in starts:
            batch = _read_batch(projects, ids[start : start + batch_projects], labeled, sample)
            pending.append((batch, scorer.submit(batch.texts, batch.scored_by)))
            while len(pending) > scorer.in_flight:
                _write(session, scratch, *pending.popleft(), tags, version)
        while pending:
            _write(session, scratch, *pending.popleft(), tags, version)
    return session.sql(f"select * from {scratch}")


@dataclass
class Batch:
    """One batch of projects to score: ids sorted, their texts and loaded_at, which are labeled, and the
    model that scores each (-1: the model fit on the whole sample; 0..4: the fold's model, for labeled
    projects in the sample)."""

    ids: np.ndarray
    texts: list[str]
    loaded_at: list[Any]
    is_labeled: np.ndarray
    scored_by: np.ndarray


def _read_batch(projects: Any, batch: np.ndarray, labeled: np.ndarray, sample: np.ndarray) -> Batch:
    rows = (
        projects.filter(f"project_id between {int(batch[0])} and {int(batch[-1])}")
        .select("project_id, text, loaded_at")
        .order("project_id")
        .fetchall()
    )
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    is_labeled = np.isin(ids, labeled)
    scored_by = np.where(is_labeled & np.isin(ids, sample), fold_of(ids, N_FOLDS, SEED), -1)
    return Batch(ids, [row[1] for row in rows], [row[2] for row in rows], is_labeled, scored_by)


def _write(session: Any, scratch: str, batch: Batch, scored: Future[np.ndarray], tags: list[str], version: str) -> None:
    """Wait for the batch's probabilities and insert its rows into the scratch table."""
    session.register("tag_model_predictions_batch", _frame(batch, scored.result(), tags, version))
    session.execute(f"insert into {scratch} select * from tag_model_predictions_batch")
    session.unregister("tag_model_predictions_batch")


def _frame(batch: Batch, probabilities: np.ndarray, tags: list[str], version: str) -> pd.DataFrame:
    """The rows of one batch: one per (project, tag)."""
    frame = long_frame(batch.ids, tags, {"probability": probabilities})
    frame["is_out_of_fold"] = np.repeat(batch.is_labeled, len(tags))
    frame["fold"] = pd.Series(np.repeat(batch.scored_by, len(tags)), dtype="Int64").mask(lambda fold: fold < 0)
    frame["model_version"] = pd.Series([version] * len(frame), dtype="object")
    # One value per project, repeated per tag: not one lookup per (project, tag) row.
    stamps = pd.DatetimeIndex(batch.loaded_at, dtype="datetime64[us, UTC]")
    frame["loaded_at"] = pd.Series(stamps.repeat(len(tags)), index=frame.index)
    return frame[["project_id", "tag", "probability", "is_out_of_fold", "fold", "model_version", "loaded_at"]]
