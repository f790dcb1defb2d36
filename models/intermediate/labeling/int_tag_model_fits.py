"""intermediate.int_tag_model_fits: the fitted tag classifiers, one row per model of the latest fit.

A fit is 6 models on the training sample (the labeled projects, or at scale a bounded sample of them):
one per fold, fit on the sample minus that fold, and one fit on the whole sample. They are pickled here,
so a build that does not refit scores new and changed projects without fitting again. The 6 models fit
var tag_model_processes (default 2) at a time, each in its own process: a fit is one core's work.

When to refit (tagifai/labelmodel/refit.py): on a fresh warehouse; when the kept tags or the parameters
change (structure_version); and when anything the classifier learns from changes (model_version), except
beyond var tag_model_max_train_rows labeled projects, where a refit waits until var tag_model_refit_share
of the labeled projects are new, changed or gone since the fit. Incremental with delete+insert on
model_fold: a refit replaces the 6 rows; a build that does not refit returns no row and keeps them.
"""

import pickle
from typing import Any

import numpy as np
import pandas as pd

from tagifai.labelmodel.classifier import N_FOLDS, SEED, fold_of, training_sample
from tagifai.labelmodel.frames import label_matrix
from tagifai.labelmodel.processes import fit_tag_models, processes_var
from tagifai.labelmodel.refit import FitState, needs_refit, refit_share_var

COLUMNS = {
    "model_fold": "int64",
    "fit_version": "object",
    "structure_version": "object",
    "n_train": "int64",
    "train_ids": "object",
    "n_labeled_at_fit": "int64",
    "fitted_through": "datetime64[us, UTC]",
    "model_pickle": "object",
}


def model(dbt: Any, session: Any) -> pd.DataFrame:
    dbt.config(
        materialized="incremental", incremental_strategy="delete+insert", unique_key="model_fold", tags=["duckdb_only"]
    )
    max_train_rows = int(dbt.config.get("max_train_rows"))
    refit_share = refit_share_var(dbt.config.get("refit_share"))
    processes = processes_var(dbt.config.get("processes"))
    version, structure, n_labeled = (
        dbt.ref("int_tag_model_version").select("model_version, structure_version, n_labeled_projects").fetchall()[0]
    )
    labeled_loads = (
        dbt.ref("labeled_projects")
        .set_alias("labeled")
        .join(dbt.ref("stg_madewithml__projects").set_alias("projects"), "labeled.id = projects.project_id")
        .select("labeled.id, projects.loaded_at")
    )
    last = None
    if dbt.is_incremental:
        rows = session.sql(
            f"select fit_version, structure_version, n_labeled_at_fit, fitted_through from {dbt.this} "
            "where model_fold = -1"
        ).fetchall()
        if rows:
            fit_version, fit_structure, n_at_fit, through = rows[0]
            since = labeled_loads
            if through is not None:
                since = since.filter(f"loaded_at > cast('{through.isoformat()}' as timestamptz)")
            n_since = since.count("*").fetchall()[0][0]
            last = FitState(fit_version, fit_structure, int(n_at_fit), int(n_since))
    if not needs_refit(last, version, structure, int(n_labeled), max_train_rows, refit_share):
        return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in COLUMNS.items()})

    tags = [row[0] for row in dbt.ref("tag_frequencies").filter("is_kept").order("tag").fetchall()]
    labeled = dbt.ref("labeled_projects")
    all_ids = np.asarray(labeled.select("id").order("id").fetchnumpy()["id"], dtype=np.int64)
    fitted_through = labeled_loads.aggregate("max(loaded_at)").fetchall()[0][0]
    # Only the sample's texts and tags are read: memory follows tag_model_max_train_rows, not the dataset.
    ids = all_ids[training_sample(all_ids, max_train_rows, SEED)]
    session.register("tag_model_training_sample", pd.DataFrame({"id": ids}))
    rows_in_sample = (
        labeled.join(session.table("tag_model_training_sample"), "id").select("id, text, tags").order("id").fetchall()
    )
    session.unregister("tag_model_training_sample")
    texts = [row[1] for row in rows_in_sample]
    labels = label_matrix((row[2] for row in rows_in_sample), tags)
    sample = np.arange(len(ids))
    folds = fold_of(ids, N_FOLDS, SEED)
    model_folds = [-1, *range(N_FOLDS)]
    train_sets = [sample if model_fold < 0 else sample[folds != model_fold] for model_fold in model_folds]
    fitted_models = fit_tag_models(texts, labels, train_sets, SEED, processes)
    rows = []
    for model_fold, train, fitted in zip(model_folds, train_sets, fitted_models, strict=True):
        rows.append(
            {
                "model_fold": model_fold,
                "fit_version": version,
                "structure_version": structure,
                "n_train": len(train),
                "train_ids": ids[train].tolist(),
                "n_labeled_at_fit": len(all_ids),
                "fitted_through": fitted_through,
                "model_pickle": pickle.dumps(fitted, protocol=5),
            }
        )
    frame = pd.DataFrame(rows)
    return frame.astype({name: dtype for name, dtype in COLUMNS.items() if name != "fitted_through"})
