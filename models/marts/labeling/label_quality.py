"""marts.label_quality: one row, how good the learned labels are (docs/labeling.md).

Incremental: recomputed only when what it reads changed (inputs_version, tagifai/labelmodel/inputs.py); a
build that changed none of it keeps the row, and its computed_at.
"""

from typing import Any

import numpy as np
import pandas as pd

from tagifai.labelmodel.classifier import N_FOLDS, SEED, C
from tagifai.labelmodel.frames import Functions, datetimes_with_nat, label_columns, texts_by_id, wide_from
from tagifai.labelmodel.inputs import (
    clear_for_recompute,
    computed_now,
    content_fingerprint,
    incremental_table_version,
    inputs_version,
    is_current,
)
from tagifai.labelmodel.model_vars import whole_number_var
from tagifai.labelmodel.quality import ChunkRows, count_in_chunks
from tagifai.labelmodel.time_split import measure_time_split, plan_time_split


def model(dbt: Any, session: Any) -> Any:
    dbt.config(
        materialized="incremental",
        incremental_strategy="append",
        on_schema_change="append_new_columns",
        tags=["duckdb_only"],
    )
    max_train_rows = int(dbt.config.get("max_train_rows"))
    min_precision = float(dbt.config.get("auto_accept_min_precision"))
    max_test_rows = whole_number_var(
        "time_split_max_test_rows", dbt.config.get("time_split_max_test_rows"), "projects (0: no bound)", minimum=0
    )
    tags = [row[0] for row in dbt.ref("tag_frequencies").filter("is_kept").order("tag").fetchall()]
    labeled_projects = dbt.ref("labeled_projects").select("id, text, tags, created_on")
    scores = dbt.ref("label_model").filter("is_out_of_fold")
    labeling_functions = dbt.ref("labeling_functions")
    fired_functions = dbt.ref("int_labeling_functions_fired").select("project_id, lf_name")
    issue_candidates = dbt.ref("label_issue_candidates").select("project_id, tag")
    version = inputs_version(
        max_train_rows,
        max_test_rows,
        min_precision,
        ",".join(tags),
        content_fingerprint(labeled_projects, "id, text, array_to_string(tags, ','), created_on"),
        incremental_table_version(session, dbt.this, "label_model"),
        content_fingerprint(labeling_functions, "lf_name, tag, label"),
        content_fingerprint(fired_functions, "project_id, lf_name"),
        content_fingerprint(issue_candidates, "project_id, tag"),
    )
    if is_current(dbt, session, version):
        return session.sql(f"select * from {dbt.this} limit 0")  # nothing it reads changed: keep the row
    clear_for_recompute(dbt, session)
    # Ids and dates as arrays; every (project, tag) figure is counted a chunk of projects at a time
    # (tagifai/labelmodel/quality.py), and only the time split's own rows and texts are kept.
    dated = labeled_projects.select("id, epoch_us(created_on) as created_us").order("id").fetchnumpy()
    ids = np.asarray(dated["id"], dtype=np.int64)
    functions = Functions.from_frame(labeling_functions.df(), tags)
    plan = plan_time_split(ids, datetimes_with_nat(dated["created_us"]), max_train_rows, max_test_rows)

    def rows_of(chunk_ids: np.ndarray) -> ChunkRows:
        between = f"between {int(chunk_ids[0])} and {int(chunk_ids[-1])}"
        matrices = wide_from(
            scores.filter(f"project_id {between}"), chunk_ids, tags, ["classifier_probability", "probability"]
        )
        return ChunkRows(
            labels=label_columns(labeled_projects.filter(f"id {between}"), chunk_ids, tags),
            classifier=np.nan_to_num(matrices["classifier_probability"]),
            label_model=np.nan_to_num(matrices["probability"]),
            fired=functions.fired_matrix(chunk_ids, fired_functions.filter(f"project_id {between}").df()),
        )

    counts = count_in_chunks(ids, len(tags), functions.tag_index, functions.label, rows_of, plan)
    split = (
        measure_time_split(
            plan,
            ids,
            lambda wanted: texts_by_id(session, labeled_projects, wanted),
            counts.sample_labels,
            counts.test_labels,
            counts.test_fired,
            counts.train_stats,
            functions.tag_index,
            functions.label,
            min_precision,
        )
        if plan is not None
        else None
    )
    ((n_flagged, n_projects_flagged),) = issue_candidates.aggregate("count(*), count(distinct project_id)").fetchall()
    versions = scores.select("model_version").limit(1).fetchall()
    with_functions = np.unique(functions.tag_index)
    n_pairs = len(ids) * len(tags)
    c_precision, c_recall = counts.classifier.precision_recall()
    q_precision, q_recall = counts.label_model.precision_recall()
    row = {
        "model_version": versions[0][0] if versions else None,
        "n_labeled_projects": len(ids),
        "n_tags": len(tags),
        "n_folds": N_FOLDS,
        "seed": SEED,
        "classifier_c": C,
        "max_train_rows": max_train_rows,
        "time_split_max_test_rows": max_test_rows,
        "classifier_micro_f1": counts.classifier.micro_f1(),
        "classifier_macro_f1": counts.classifier.macro_f1(),
        "classifier_micro_precision": c_precision,
        "classifier_micro_recall": c_recall,
        "classifier_precision_at_1": counts.classifier_hits_at_1 / len(ids) if len(ids) else None,
        "label_model_micro_f1": counts.label_model.micro_f1(),
        "label_model_macro_f1": counts.label_model.macro_f1(),
        "label_model_micro_precision": q_precision,
        "label_model_micro_recall": q_recall,
        "label_model_precision_at_1": counts.label_model_hits_at_1 / len(ids) if len(ids) else None,
        "n_tags_with_functions": len(with_functions),
        "function_tags_classifier_micro_f1": counts.classifier.columns(with_functions).micro_f1(),
        "function_tags_functions_micro_f1": counts.functions_alone.columns(with_functions).micro_f1(),
        "function_tags_label_model_micro_f1": counts.label_model.columns(with_functions).micro_f1(),
        "n_label_issues_flagged": n_flagged,
        "share_labels_flagged": n_flagged / n_pairs if n_pairs else None,
        "share_projects_flagged": n_projects_flagged / len(ids) if len(ids) else None,
        "time_split_cutoff": split.cutoff if split else None,
        "time_split_n_train": split.n_train if split else None,
        "time_split_n_test": split.n_test if split else None,
        "time_split_classifier_micro_f1": split.classifier_micro_f1 if split else None,
        "time_split_label_model_micro_f1": split.label_model_micro_f1 if split else None,
        "auto_accept_min_precision": min_precision,
        "auto_accept_threshold": split.label_model_accept.threshold if split else None,
        "auto_accept_precision": split.label_model_accept.precision if split else None,
        "auto_accept_share_of_true_labels": split.label_model_accept.share_of_true_labels if split else None,
        "classifier_auto_accept_share_of_true_labels": (
            split.classifier_accept.share_of_true_labels if split else None
        ),
    }
    frame = pd.DataFrame([row])
    for name in row:
        if name.endswith(("f1", "precision", "recall", "share_of_true_labels", "threshold", "at_1")) or name in (
            "share_labels_flagged",
            "share_projects_flagged",
            "classifier_c",
            "auto_accept_min_precision",
        ):
            frame[name] = frame[name].astype("float64")
        elif name.startswith("n_") or name in (
            "seed",
            "max_train_rows",
            "time_split_max_test_rows",
            "time_split_n_train",
            "time_split_n_test",
        ):
            frame[name] = frame[name].astype("Int64")
    frame["time_split_cutoff"] = pd.Series([row["time_split_cutoff"]], dtype="datetime64[us]")
    frame["model_version"] = frame["model_version"].astype("object")
    frame["inputs_version"] = pd.Series([version], dtype="object")
    frame["computed_at"] = computed_now()
    return frame
