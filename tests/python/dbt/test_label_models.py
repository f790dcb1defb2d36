"""The learned labels (issue 30): the classifier's out-of-fold probabilities, the label model, label issues
and label_quality, checked against independent computations on the real data: scikit-learn's metrics, the
lesson's own labels (oracles.lesson_reference) and the labeling functions evaluated with Python's re
(oracles.labeling_reference)."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import duckdb
import numpy as np
import pytest
from cleanlab.multilabel_classification.filter import find_multilabel_issues_per_class
from sklearn.metrics import f1_score

from oracles.labeling_reference import gold_labels, labeling_functions, project_texts, votes
from support.commands import run_dbt, run_loader
from support.loading_helpers import shared_dataset
from tagifai.labelmodel.active import margin_order
from tagifai.labelmodel.classifier import SEED, fit_predict, fold_of, out_of_fold_probabilities
from tagifai.labelmodel.combine import combine, function_stats, functions_alone, held_out_combine
from tagifai.labelmodel.folds import ids_to_fold, stored_folds_follow_the_rule
from tagifai.labelmodel.issues import find_issues
from tagifai.labelmodel.metrics import auto_accept
from tagifai.labelmodel.processes import fit_tag_models


class Data:
    """The 2021-03 dataset as the lesson's code labels it: ids (sorted), texts, tags (sorted), Y (N, K)."""

    def __init__(self, data_dir: Path) -> None:
        gold, kept = gold_labels(data_dir)
        texts = project_texts(data_dir)
        self.ids = sorted(gold)
        self.texts = [texts[i] for i in self.ids]
        self.tags = sorted(kept)
        self.labels = np.array([[t in gold[i] for t in self.tags] for i in self.ids], dtype=np.int64)
        functions = [lf for lf in labeling_functions() if lf.tag in kept]
        fired = votes(data_dir, functions)
        self.functions = functions
        self.all_fired = fired  # every loaded project's, labeled or not
        self.function_tag = np.array([self.tags.index(lf.tag) for lf in functions])
        self.function_label = np.array([lf.label for lf in functions])
        self.fired = np.array([[(i, lf.name) in fired for lf in functions] for i in self.ids], dtype=bool)


@pytest.fixture(scope="module")
def data(real_data_dir: Path) -> Data:
    return Data(real_data_dir)


@pytest.fixture(scope="module")
def oof(data: Data) -> tuple[np.ndarray, np.ndarray]:
    return out_of_fold_probabilities(data.ids, data.texts, data.labels)


def _top1_precision(labels: np.ndarray, probabilities: np.ndarray) -> float:
    return float(np.mean([labels[i, int(np.argmax(probabilities[i]))] for i in range(len(labels))]))


def test_same_data_and_seed_give_the_same_probabilities(data: Data, oof) -> None:
    again, folds = out_of_fold_probabilities(list(data.ids), list(data.texts), data.labels.copy())
    assert np.array_equal(again, oof[0])
    assert np.array_equal(folds, oof[1])
    # A fold is a function of the project alone: the same in any company, any order.
    assert list(fold_of(data.ids[:7])) == list(fold_of(data.ids)[:7])
    assert list(fold_of(data.ids[::-1])) == list(fold_of(data.ids)[::-1])
    assert sorted(np.bincount(folds)) == sorted(np.bincount(folds)) and min(np.bincount(folds)) > 250


def _blake2b_fold(seed: int, project_id: int, n_folds: int = 5) -> int:
    """The documented fold rule, written out here: blake2b (8 bytes) of "seed:id", big-endian, mod n_folds."""
    return int.from_bytes(hashlib.blake2b(f"{seed}:{project_id}".encode(), digest_size=8).digest(), "big") % n_folds


def test_the_fold_table_hashes_only_new_projects_and_notices_a_new_rule() -> None:
    """int_labeled_project_folds is incremental: it must drop projects no longer labeled, fold only the new
    ones, and start over when the stored folds were made by another seed (or fold count)."""
    con = duckdb.connect()
    con.execute("create table folds (project_id bigint, fold integer)")
    con.executemany("insert into folds values (?, ?)", [(i, _blake2b_fold(SEED, i)) for i in range(1, 301)])
    assert stored_folds_follow_the_rule(con, "folds", 5, SEED)
    assert not stored_folds_follow_the_rule(con, "folds", 5, SEED + 1)
    assert not stored_folds_follow_the_rule(con, "folds", 4, SEED)
    labeled = con.sql("select range as id from range(200, 351)")
    assert list(ids_to_fold(con, "folds", labeled)) == list(range(301, 351))
    assert con.execute("select min(project_id), max(project_id), count(*) from folds").fetchall() == [(200, 300, 101)]
    con.execute("delete from folds")
    assert stored_folds_follow_the_rule(con, "folds", 5, SEED)


def test_fits_in_worker_processes_equal_fits_in_one_process(data: Data) -> None:
    """int_tag_model_fits fits side by side in spawned workers at scale (var tag_model_processes): each model,
    returned in the order asked, predicts what the same fit in this process predicts."""
    folds = fold_of(data.ids)
    everything = np.arange(len(data.ids))
    train_sets = [everything, everything[folds != 0], everything[folds != 3]]
    in_one = fit_tag_models(data.texts, data.labels, train_sets, 42, processes=1)
    in_two = fit_tag_models(data.texts, data.labels, train_sets, 42, processes=2)
    probe = data.texts[::7]
    for alone, worker in zip(in_one, in_two, strict=True):
        assert np.array_equal(alone.predict_proba(probe), worker.predict_proba(probe))
    # The three models differ from each other, so a mix-up of their order would show.
    assert not np.array_equal(in_two[0].predict_proba(probe), in_two[1].predict_proba(probe))


def test_the_build_stores_the_same_probabilities(data: Data, oof, query) -> None:
    rows = query("select project_id, tag, probability, fold from marts.tag_model_predictions where is_out_of_fold")
    row = {i: n for n, i in enumerate(data.ids)}
    col = {t: k for k, t in enumerate(data.tags)}
    stored = np.full(data.labels.shape, np.nan)
    stored_folds = {}
    for project_id, tag, probability, fold in rows:
        stored[row[project_id], col[tag]] = probability
        stored_folds[project_id] = fold
    assert len(rows) == data.labels.size
    assert np.allclose(stored, oof[0], rtol=0, atol=1e-9)
    assert [stored_folds[i] for i in data.ids] == list(oof[1])


def test_changing_a_projects_labels_changes_no_probability_of_that_project(data: Data, oof) -> None:
    probabilities, folds = oof
    first = 10
    second = int(np.flatnonzero(folds != folds[first])[0])
    for position in (first, second):  # two projects, in different folds
        changed = data.labels.copy()
        changed[position] = 1 - changed[position]  # every one of its labels flipped
        again, _ = out_of_fold_probabilities(data.ids, data.texts, changed)
        assert np.array_equal(again[position], probabilities[position])
        # The change did reach the models of the other folds, which trained on it.
        others = folds != folds[position]
        assert not np.array_equal(again[others], probabilities[others])
        assert np.array_equal(again[~others], probabilities[~others])


def test_classifier_metrics_on_the_real_data(data: Data, oof, query) -> None:
    probabilities, _ = oof
    micro = f1_score(data.labels, probabilities >= 0.5, average="micro")
    macro = f1_score(data.labels, probabilities >= 0.5, average="macro", zero_division=0)
    top1 = _top1_precision(data.labels, probabilities)
    print(f"classifier out of fold: micro-F1 {micro:.3f}, macro-F1 {macro:.3f}, precision@1 {top1:.3f}")
    assert micro >= 0.70
    assert top1 >= 0.80
    (stored,) = query(
        "select classifier_micro_f1, classifier_macro_f1, classifier_precision_at_1, n_labeled_projects, n_tags "
        "from marts.label_quality"
    )
    assert stored[0] == pytest.approx(micro, abs=1e-12)
    assert stored[1] == pytest.approx(macro, abs=1e-12)
    assert stored[2] == pytest.approx(top1, abs=1e-12)
    assert stored[3:] == (1444, 35)


def test_no_time_split_where_the_data_has_no_dates(real_data_dir: Path, query) -> None:
    """The 2021-03 projects carry no created_on: label_quality's time split has nothing to split, and says
    so with nulls (a null date read as 1970-01-01 would put every project in one period and fit on it)."""
    projects = json.loads((real_data_dir / "projects.json").read_text())
    assert not any(project.get("created_on") for project in projects)
    (stored,) = query(
        "select time_split_cutoff, time_split_n_train, time_split_n_test, time_split_label_model_micro_f1, "
        "auto_accept_threshold, auto_accept_share_of_true_labels from marts.label_quality"
    )
    assert stored == (None,) * 6


def test_label_model_beats_each_source_alone_on_held_out_folds(data: Data, oof, query) -> None:
    probabilities, folds = oof
    combined, _ = held_out_combine(
        probabilities, data.labels, folds, data.fired, data.function_tag, data.function_label
    )
    tags = np.unique(data.function_tag)
    y = data.labels[:, tags]
    label_model = f1_score(y, combined[:, tags] >= 0.5, average="micro")
    classifier = f1_score(y, probabilities[:, tags] >= 0.5, average="micro")
    # Functions alone, independently: a tag is on where more of its functions vote for it than against.
    alone = np.zeros(data.labels.shape, dtype=int)
    for i in range(len(data.ids)):
        for k in tags:
            votes_k = [
                1 if lab == 1 else -1
                for f, (t, lab) in enumerate(zip(data.function_tag, data.function_label, strict=True))
                if t == k and data.fired[i, f]
            ]
            alone[i, k] = int(sum(votes_k) > 0)
    assert np.array_equal(alone, functions_alone(data.fired, data.function_tag, data.function_label, len(data.tags)))
    functions = f1_score(y, alone[:, tags], average="micro")
    print(
        f"tags with functions ({len(tags)}): label model {label_model:.3f}, classifier {classifier:.3f}, "
        f"functions {functions:.3f}"
    )
    assert label_model >= max(classifier, functions)
    (stored,) = query(
        "select function_tags_label_model_micro_f1, function_tags_classifier_micro_f1, "
        "function_tags_functions_micro_f1 from marts.label_quality"
    )
    assert stored == pytest.approx((label_model, classifier, functions), abs=1e-12)


def test_label_model_weights_are_measured_without_the_fold(data: Data, oof) -> None:
    probabilities, folds = oof
    combined, _ = held_out_combine(
        probabilities, data.labels, folds, data.fired, data.function_tag, data.function_label
    )
    changed = data.labels.copy()
    held_out = folds == 0
    changed[held_out] = 1 - changed[held_out]  # every label of fold 0 flipped
    again, _ = held_out_combine(probabilities, changed, folds, data.fired, data.function_tag, data.function_label)
    assert np.array_equal(again[held_out], combined[held_out])
    assert not np.array_equal(again[~held_out], combined[~held_out])


def test_the_build_stores_the_documented_label_model(data: Data, oof, query) -> None:
    """marts.label_model (SQL) equals the combination computed here in numpy from the lesson's labels and
    the functions evaluated with Python's re: a labeled project with the weights of the other folds, any
    other project with the weights of every labeled project, q = p where no function of the tag fires."""
    probabilities, folds = oof
    expected, _ = held_out_combine(
        probabilities, data.labels, folds, data.fired, data.function_tag, data.function_label
    )
    all_weights = function_stats(data.labels, data.fired, data.function_tag, data.function_label).weight
    rows = query(
        "select project_id, tag, probability, classifier_probability, n_functions_fired, is_out_of_fold "
        "from marts.label_model"
    )
    row = {i: n for n, i in enumerate(data.ids)}
    col = {t: k for k, t in enumerate(data.tags)}
    others: dict[int, dict[str, tuple[float, float, int]]] = {}
    seen = 0
    for project_id, tag, q, p, n_fired, is_out_of_fold in rows:
        n_expected = sum((project_id, lf.name) in data.all_fired for lf in data.functions if lf.tag == tag)
        assert n_fired == n_expected, (project_id, tag)
        assert is_out_of_fold == (project_id in row)
        if project_id in row:
            seen += 1
            assert q == pytest.approx(expected[row[project_id], col[tag]], rel=0, abs=1e-9), (project_id, tag)
        else:
            others.setdefault(project_id, {})[tag] = (q, p, n_fired)
    assert seen == data.labels.size
    assert others, "the real data has projects outside the dataset"
    for project_id, by_tag in others.items():
        p = np.array([[by_tag[t][1] for t in data.tags]])
        fired = np.array([[(project_id, lf.name) in data.all_fired for lf in data.functions]])
        q = combine(p, fired, all_weights, data.function_tag, data.function_label)[0]
        assert [by_tag[t][0] for t in data.tags] == pytest.approx(list(q), rel=0, abs=1e-9), project_id


def test_label_issues_are_cleanlabs_per_class_issues_ranked_by_self_confidence(data: Data, oof) -> None:
    """Judged one tag at a time, the flagged pairs are those of cleanlab's own multi-label function on the
    whole matrix, ranked by the probability given to the author's label (ties by row, then tag)."""
    probabilities, _ = oof
    issues = find_issues(data.labels, probabilities)
    given = [list(np.flatnonzero(row)) for row in data.labels]
    expected = np.asarray(find_multilabel_issues_per_class(given, probabilities, n_jobs=1), dtype=bool)
    flagged = np.zeros(data.labels.shape, dtype=bool)
    flagged[issues.row, issues.tag_index] = True
    assert len(issues) == int(expected.sum()) > 0
    assert np.array_equal(flagged, expected)
    gold = data.labels[issues.row, issues.tag_index]
    p = probabilities[issues.row, issues.tag_index]
    assert np.array_equal(issues.is_spurious, gold == 1)
    assert np.array_equal(issues.label_quality_score, np.where(gold == 1, p, 1 - p))
    keys = list(zip(issues.label_quality_score, issues.row, issues.tag_index, strict=True))
    assert keys == sorted(keys)


def test_lf_summary_weights_follow_the_documented_formula(data: Data, query) -> None:
    rows = query("select lf_name, measured_precision, measured_recall, weight from marts.lf_summary")
    functions = {lf.name: lf for lf in labeling_functions()}
    n = len(data.ids)
    for name, precision, recall, weight in rows:
        lf = functions[name]
        k = data.tags.index(lf.tag)
        f = [j for j, fn in enumerate(fn for fn in labeling_functions() if fn.tag in data.tags) if fn.name == name][0]
        gold = data.labels[:, k] == lf.label
        fired = data.fired[:, f]
        correct, wrong = int((fired & gold).sum()), int((fired & ~gold).sum())
        assert precision == pytest.approx(correct / (correct + wrong))
        assert recall == pytest.approx(correct / gold.sum())
        expected = np.log(((correct + 1) / (gold.sum() + 2)) / ((wrong + 1) / (n - gold.sum() + 2)))
        assert weight == pytest.approx(expected)


def test_auto_accept_takes_the_lowest_threshold_that_keeps_the_precision() -> None:
    labels = np.array([[1, 0], [1, 1], [0, 0], [1, 0]])
    scores = np.array([[0.9, 0.2], [0.8, 0.7], [0.7, 0.1], [0.6, 0.05]])
    # By score: .9 (1), .8 (1), .7 (1 and 0, the same score: taken together), .6 (1), ...
    result = auto_accept(labels, scores, 0.75)
    assert result.threshold == 0.6  # 4 of 5 accepted are true: .8 >= .75
    assert result.precision == pytest.approx(4 / 5)
    assert result.share_of_true_labels == 1.0  # all 4 true labels
    strict = auto_accept(labels, scores, 1.0)
    assert (strict.threshold, strict.share_of_true_labels) == (0.8, 0.5)  # the tie at .7 holds a wrong one
    assert auto_accept(np.zeros((2, 2)), scores[:2], 0.9).threshold is None


def _simulate(data: Data, order: str, seed: int, rounds: int, start: int, step: int) -> list[float]:
    """micro-F1 on a fixed test set (fold 0) after each round of annotation, in the order given."""
    folds = fold_of(data.ids)
    test = np.flatnonzero(folds == 0)
    pool = list(np.flatnonzero(folds != 0))
    rng = random.Random(seed)
    rng.shuffle(pool)
    labeled, pool = pool[:start], pool[start:]
    scores = []
    for _ in range(rounds + 1):
        texts = [data.texts[i] for i in labeled]
        predicted = fit_predict(
            texts, data.labels[labeled], [data.texts[i] for i in test] + [data.texts[i] for i in pool]
        )
        scores.append(f1_score(data.labels[test], predicted[: len(test)] >= 0.5, average="micro"))
        # Random order takes the pool as shuffled; margin order the projects the model is least sure of.
        by_margin = [pool[i] for i in margin_order(predicted[len(test) :])[:step]]
        chosen = by_margin if order == "margin" else pool[:step]
        labeled = labeled + chosen
        pool = [i for i in pool if i not in set(chosen)]
    return scores


def test_margin_order_is_at_least_random_order_at_every_round(data: Data) -> None:
    # Three fixed seeds (each its own first 100 labels and random order), averaged: one seed's random order
    # can be lucky in a round, the average is what an annotation team can expect.
    seeds, rounds, start, step = (1, 2, 3), 5, 100, 100
    margin = np.mean([_simulate(data, "margin", s, rounds, start, step) for s in seeds], axis=0)
    random_order = np.mean([_simulate(data, "random", s, rounds, start, step) for s in seeds], axis=0)
    print("labels:", [start + step * r for r in range(rounds + 1)])
    print("margin:", [round(float(s), 3) for s in margin])
    print("random:", [round(float(s), 3) for s in random_order])
    assert margin[0] == random_order[0]  # the same first labels
    assert all(m >= r for m, r in zip(margin, random_order, strict=True))
    assert margin[-1] > random_order[-1]


# --- Built warehouses: planted label errors, the incremental path, and the time split on 2021-05 ---

PLANT_SEED = 2021
PLANT_SHARE = 0.05


def _plant_errors(source: Path, target: Path) -> set[tuple[int, str, str]]:
    """Copy the data with 5% of the dataset's projects losing a kept tag and 5% gaining one they lack.

    Tags are only removed when used at least 100 times, so every kept tag stays kept. Returns the planted
    (project, tag, kind) triples.
    """
    target.mkdir(parents=True, exist_ok=True)
    (target / "tags.json").write_bytes((source / "tags.json").read_bytes())
    projects = json.loads((source / "projects.json").read_text(encoding="utf-8"))
    gold, kept = gold_labels(source)
    frequency = {t: sum(t in tags for tags in gold.values()) for t in kept}
    common = sorted(t for t in kept if frequency[t] >= 100)
    rng = random.Random(PLANT_SEED)
    ids = sorted(gold)
    n = int(PLANT_SHARE * len(ids))
    can_lose = [i for i in ids if len(gold[i]) >= 2 and gold[i] & set(common)]
    losing = rng.sample(can_lose, n)
    gaining = rng.sample([i for i in ids if i not in set(losing)], n)
    planted = set()
    by_id = {int(p["id"]): p for p in projects}
    for i in losing:
        tag = rng.choice(sorted(gold[i] & set(common)))
        by_id[i]["tags"] = [t for t in by_id[i]["tags"] if t != tag]
        planted.add((i, tag, "missing"))
    for i in gaining:
        tag = rng.choice(sorted(kept - gold[i]))
        by_id[i]["tags"] = [*by_id[i]["tags"], tag]
        planted.add((i, tag, "spurious"))
    (target / "projects.json").write_text(json.dumps(projects), encoding="utf-8")
    return planted


@pytest.fixture(scope="module")
def planted_warehouse(real_data_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("planted")
    planted = _plant_errors(real_data_dir, folder / "data")
    # The planting is what the lesson's own code sees: exactly these labels differ, and no tag is lost.
    before, kept_before = gold_labels(real_data_dir)
    after, kept_after = gold_labels(folder / "data")
    assert kept_after == kept_before
    differences = {(i, t, "missing") for i in before for t in before[i] - after.get(i, set())} | {
        (i, t, "spurious") for i in after for t in after[i] - before.get(i, set())
    }
    assert differences == planted and len(planted) == 2 * int(PLANT_SHARE * len(before))
    db_path = folder / "tagifai.duckdb"
    assert run_loader(db_path, "--data-dir", str(folder / "data")).returncode == 0
    run_dbt(
        db_path,
        "build",
        "--select",
        "+label_issues",
        "--indirect-selection",
        "cautious",
        "--vars",
        "{label_issues_max_rows: 0}",
    )
    return db_path, planted, folder


def test_label_issues_find_planted_errors(planted_warehouse) -> None:
    db_path, planted, _ = planted_warehouse
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute("select project_id, tag, issue_kind from marts.label_issues order by issue_rank").fetchall()
    k = len(planted)
    flagged = set(rows)
    pair_precision = len(set(rows[:k]) & planted) / k
    planted_projects = {i for i, _, _ in planted}
    top_projects = list(dict.fromkeys(i for i, _, _ in rows))[:k]
    project_precision = len(set(top_projects) & planted_projects) / k
    recall = len(flagged & planted) / k
    print(
        f"planted {k}: precision among the top {k} rows {pair_precision:.3f}, among the top {k} projects "
        f"{project_precision:.3f}; recall of the {len(flagged)} flagged {recall:.3f}"
    )
    assert project_precision >= 0.35
    assert recall >= 0.75


def _data_folder(planted: Path, projects: list[dict], out: Path) -> Path:
    """A data folder at `out`: the planted folder's taxonomy and the given projects."""
    out.mkdir()
    (out / "tags.json").write_bytes((planted / "data" / "tags.json").read_bytes())
    (out / "projects.json").write_text(json.dumps(projects), encoding="utf-8")
    return out


def test_an_unchanged_fingerprint_predicts_only_the_changed_project(planted_warehouse, tmp_path: Path) -> None:
    db_path, _, folder = planted_warehouse
    sql = "select project_id, tag, probability, model_version, loaded_at from marts.tag_model_predictions"
    with duckdb.connect(str(db_path), read_only=True) as con:
        before = {(r[0], r[1]): r[2:] for r in con.execute(sql).fetchall()}
        unlabeled = con.execute(
            "select min(project_id) from marts.tag_model_predictions where not is_out_of_fold"
        ).fetchall()[0][0]
    projects = json.loads((folder / "data" / "projects.json").read_text(encoding="utf-8"))
    for project in projects:
        if int(project["id"]) == unlabeled:
            project["description"] = "A transformer language model for question answering with pytorch."
    changed = _data_folder(folder, projects, tmp_path / "data")
    copy = tmp_path / "tagifai.duckdb"
    copy.write_bytes(db_path.read_bytes())
    assert run_loader(copy, "--data-dir", str(changed)).returncode == 0
    run_dbt(copy, "build", "--select", "+tag_model_predictions", "--indirect-selection", "cautious")
    with duckdb.connect(str(copy), read_only=True) as con:
        after = {(r[0], r[1]): r[2:] for r in con.execute(sql).fetchall()}
    assert after.keys() == before.keys()
    moved = {key for key in after if after[key] != before[key]}
    assert {project for project, _ in moved} == {unlabeled}
    assert {v[1] for v in after.values()} == {v[1] for v in before.values()}  # same model_version: no refit
    assert after[(unlabeled, "transformers")][0] > before[(unlabeled, "transformers")][0]


def test_new_unlabeled_data_computes_only_its_label_model_rows(planted_warehouse, tmp_path: Path) -> None:
    """Data without author labels leaves the fit and every function weight as they are: one unlabeled
    project edited, another removed (a complete file without it). Then label_model computes the edited
    project's rows only (its bookmark filter); both tables of one row per (project, tag) lose the removed
    project without a refit (their row counts say so); and label_model equals a full recomputation."""
    db_path, _, folder = planted_warehouse
    sql = "select project_id, tag, probability, classifier_probability, n_functions_fired from marts.label_model"
    with duckdb.connect(str(db_path), read_only=True) as con:
        before = {(r[0], r[1]): r[2:] for r in con.execute(sql).fetchall()}
        edited, removed = con.execute(
            "select min(project_id), max(project_id) from marts.label_model where not is_out_of_fold"
        ).fetchall()[0]
        (version,) = con.execute("select distinct model_version from marts.tag_model_predictions").fetchall()
    projects = json.loads((folder / "data" / "projects.json").read_text(encoding="utf-8"))
    for project in projects:
        if int(project["id"]) == edited:
            project["description"] = "Question answering with a pytorch transformer and huggingface."
    kept_projects = [project for project in projects if int(project["id"]) != removed]
    changed = _data_folder(folder, kept_projects, tmp_path / "data")
    copy = tmp_path / "incremental" / "tagifai.duckdb"
    copy.parent.mkdir()
    copy.write_bytes(db_path.read_bytes())
    loaded = run_loader(copy, "--replace", "--data-dir", str(changed))
    assert loaded.returncode == 0 and "1 removed" in loaded.stdout + loaded.stderr, loaded.stderr
    run_dbt(copy, "build", "--select", "+label_model", "--indirect-selection", "cautious")
    compiled = next((copy.parent / "dbt_target" / "compiled").rglob("label_model.sql")).read_text()
    assert "loaded_at > cast(" in compiled  # the incremental path: only projects loaded since
    with duckdb.connect(str(copy), read_only=True) as con:
        after = {(r[0], r[1]): r[2:] for r in con.execute(sql).fetchall()}
        assert con.execute("select distinct model_version from marts.tag_model_predictions").fetchall() == [version]
        assert con.execute(
            "select count(*) from marts.tag_model_predictions where project_id = ?", [removed]
        ).fetchall() == [(0,)]
    assert after.keys() == {key for key in before if key[0] != removed}
    moved = {key for key in after if after[key] != before[key]}
    assert {project for project, _ in moved} == {edited}
    # What a full recomputation of the same warehouse gives, row for row.
    refreshed = tmp_path / "refreshed" / "tagifai.duckdb"
    refreshed.parent.mkdir()
    refreshed.write_bytes(copy.read_bytes())
    run_dbt(refreshed, "run", "--select", "label_model", "--full-refresh")
    with duckdb.connect(str(refreshed), read_only=True) as con:
        assert {(r[0], r[1]): r[2:] for r in con.execute(sql).fetchall()} == after


def test_a_selection_without_the_predictions_keeps_label_model_whole_until_they_catch_up(
    planted_warehouse, tmp_path: Path
) -> None:
    """docs/labeling.md's `--select labeling_functions int_labeling_functions_fired+` right after a load that
    changed a project selects label_model but not tag_model_predictions. label_model keeps every row (it
    once deleted the changed project's rows and found no newer prediction to put back), and the next full
    build gives the project its new prediction, as a full recomputation does."""
    db_path, _, folder = planted_warehouse
    sql = "select project_id, tag, classifier_probability, probability from marts.label_model"
    with duckdb.connect(str(db_path), read_only=True) as con:
        before = {(r[0], r[1]): r[2:] for r in con.execute(sql).fetchall()}
        (edited,) = con.execute("select min(project_id) from marts.label_model where not is_out_of_fold").fetchone()
    projects = json.loads((folder / "data" / "projects.json").read_text(encoding="utf-8"))
    for project in projects:
        if int(project["id"]) == edited:
            project["description"] = "Question answering with a pytorch transformer and huggingface."
    changed = _data_folder(folder, projects, tmp_path / "data")
    copy = tmp_path / "partial" / "tagifai.duckdb"
    copy.parent.mkdir()
    copy.write_bytes(db_path.read_bytes())
    assert run_loader(copy, "--data-dir", str(changed)).returncode == 0
    run_dbt(copy, "build", "--select", "labeling_functions", "int_labeling_functions_fired+")
    with duckdb.connect(str(copy), read_only=True) as con:
        assert {(r[0], r[1]) for r in con.execute(sql).fetchall()} == before.keys()
    run_dbt(copy, "build")
    with duckdb.connect(str(copy), read_only=True) as con:
        after = {(r[0], r[1]): r[2:] for r in con.execute(sql).fetchall()}
        predictions = dict(
            ((r[0], r[1]), r[2])
            for r in con.execute("select project_id, tag, probability from marts.tag_model_predictions").fetchall()
        )
    assert after.keys() == before.keys()
    # The edited project's classifier probabilities are its new predictions, not the ones before the edit.
    assert all(after[key][0] == predictions[key] for key in after)
    assert any(after[key][0] != before[key][0] for key in after if key[0] == edited)
    refreshed = tmp_path / "refreshed" / "tagifai.duckdb"
    refreshed.parent.mkdir()
    refreshed.write_bytes(copy.read_bytes())
    run_dbt(refreshed, "run", "--select", "label_model", "--full-refresh")
    with duckdb.connect(str(refreshed), read_only=True) as con:
        assert {(r[0], r[1]): r[2:] for r in con.execute(sql).fetchall()} == after


def _issues_and_quality(db_path: Path) -> tuple[set, set]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        issues = con.execute(
            "select project_id, tag, issue_kind, label_quality_score, issue_rank, inputs_version, computed_at "
            "from marts.label_issue_candidates"
        ).fetchall()
        quality = con.execute(
            "select inputs_version, computed_at, classifier_micro_f1, n_label_issues_flagged from marts.label_quality"
        ).fetchall()
    return set(issues), set(quality)


def test_issues_and_quality_are_kept_until_what_they_read_changes(planted_warehouse, tmp_path: Path) -> None:
    db_path, _, folder = planted_warehouse
    copy = tmp_path / "tagifai.duckdb"
    copy.write_bytes(db_path.read_bytes())
    run_dbt(copy, "build", "--select", "+label_quality", "--indirect-selection", "cautious")
    issues, quality = _issues_and_quality(copy)
    assert issues and len(quality) == 1
    # Nothing changed: the same rows, computed_at included (kept, not computed again).
    run_dbt(copy, "build", "--select", "+label_quality", "--indirect-selection", "cautious")
    assert _issues_and_quality(copy) == (issues, quality)
    # An author label changes: both are computed again from the new inputs.
    projects = json.loads((folder / "data" / "projects.json").read_text(encoding="utf-8"))
    gold, kept = gold_labels(folder / "data")
    project = next(p for p in projects if int(p["id"]) in gold)
    project["tags"] = [*project["tags"], sorted(kept - gold[int(project["id"])])[0]]
    changed = _data_folder(folder, projects, tmp_path / "data")
    assert run_loader(copy, "--data-dir", str(changed)).returncode == 0
    run_dbt(copy, "build", "--select", "+label_quality", "--indirect-selection", "cautious")
    new_issues, new_quality = _issues_and_quality(copy)
    ((version, computed_at, *_),) = quality
    ((new_version, new_computed_at, *_),) = new_quality
    assert new_version != version and new_computed_at > computed_at
    assert len({row[5:] for row in new_issues}) == 1  # every row of one computation
    assert {row[5] for row in new_issues}.isdisjoint({row[5] for row in issues})
    assert min(row[6] for row in new_issues) > max(row[6] for row in issues)


def test_time_split_on_2021_05_auto_accepts_half_the_new_labels(
    real_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    may = shared_dataset("2021-05", real_data_dir)
    db_path = tmp_path_factory.mktemp("may_labels") / "tagifai.duckdb"
    assert run_loader(db_path, "--data-dir", str(may)).returncode == 0
    run_dbt(db_path, "build", "--select", "+label_quality", "--indirect-selection", "cautious")
    with duckdb.connect(str(db_path), read_only=True) as con:
        relation = con.sql("select * from marts.label_quality")
        columns = relation.columns
        quality = dict(zip(columns, relation.fetchall()[0], strict=True))
    gold, _ = gold_labels(may)
    created = {int(p["id"]): p["created_on"] for p in json.loads((may / "projects.json").read_text())}
    order = sorted(gold, key=lambda i: (created[i], i))
    n_train = int(0.8 * len(order))
    assert (quality["time_split_n_train"], quality["time_split_n_test"]) == (n_train, len(order) - n_train)
    assert str(quality["time_split_cutoff"]) == created[order[n_train - 1]]
    print(
        f"2021-05 time split: label model micro-F1 {quality['time_split_label_model_micro_f1']:.3f} "
        f"(classifier {quality['time_split_classifier_micro_f1']:.3f}); auto-accept at >= "
        f"{quality['auto_accept_threshold']:.3f}: precision {quality['auto_accept_precision']:.3f}, "
        f"{quality['auto_accept_share_of_true_labels']:.3f} of the true labels (classifier alone "
        f"{quality['classifier_auto_accept_share_of_true_labels']:.3f})"
    )
    assert quality["auto_accept_precision"] >= 0.90
    assert quality["auto_accept_share_of_true_labels"] >= 0.50
