"""The tag classifier at scale (issues 30 and 31): beyond var tag_model_max_train_rows labeled projects it
fits on a bounded sample, scores every project with a model that never saw it, and refits only when the
kept tags or parameters change or tag_model_refit_share of the labeled projects moved; in between, the
stored models score only new and changed projects.

Built on the real data with tag_model_max_train_rows 400, so 1444 labeled projects are "at scale". The
sample and the folds are recomputed here from the documented rule (blake2b of "seed:id"), the labels
from the lesson's code (oracles.lesson_reference), not read from the build.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pytest
from bench_change import differences, warehouse_fingerprints

from oracles.labeling_reference import gold_labels
from support.commands import run_dbt, run_loader
from tagifai.labelmodel.refit import FitState, changed_share, needs_refit, refit_share_var

MAX_TRAIN_ROWS = 400
VARS = {"tag_model_max_train_rows": MAX_TRAIN_ROWS, "tag_model_refit_share": 0.05}
LEARNED = ("intermediate.int_tag_model_fits", "marts.tag_model_predictions", "marts.label_model")


def _blake(seed: int, project_id: int) -> int:
    return int.from_bytes(hashlib.blake2b(f"{seed}:{project_id}".encode(), digest_size=8).digest(), "big")


def _build(db_path: Path, data_dir: Path, vars_: dict | None = None) -> None:
    assert run_loader(db_path, "--data-dir", str(data_dir)).returncode == 0
    run_dbt(
        db_path,
        "build",
        "--select",
        "+label_model",
        "--indirect-selection",
        "cautious",
        "--vars",
        json.dumps(vars_ or VARS),
    )


def _fits(db_path: Path) -> dict[int, tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(
            "select model_fold, fit_version, structure_version, train_ids, md5(model_pickle::varchar) "
            "from intermediate.int_tag_model_fits"
        ).fetchall()
    return {row[0]: row[1:] for row in rows}


def _predictions(db_path: Path) -> dict[tuple[int, str], tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(
            "select project_id, tag, probability, is_out_of_fold, fold, model_version from marts.tag_model_predictions"
        ).fetchall()
    return {(row[0], row[1]): row[2:] for row in rows}


def _learned(db_path: Path) -> dict[str, tuple[int, int]]:
    return {name: value for name, value in warehouse_fingerprints(db_path).items() if name in LEARNED}


def _copy_data(source: Path, target: Path, edit=None) -> Path:
    target.mkdir(parents=True)
    shutil.copy(source / "tags.json", target / "tags.json")
    projects = json.loads((source / "projects.json").read_text(encoding="utf-8"))
    if edit is not None:
        projects = edit(projects)
    (target / "projects.json").write_text(json.dumps(projects), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def labeled_ids(real_data_dir: Path) -> list[int]:
    gold, _ = gold_labels(real_data_dir)
    return sorted(gold)


@pytest.fixture(scope="module")
def sample(labeled_ids: list[int]) -> list[int]:
    """The documented training sample: the MAX_TRAIN_ROWS labeled ids of smallest blake2b("43:id")."""
    return sorted(sorted(labeled_ids, key=lambda i: _blake(43, i))[:MAX_TRAIN_ROWS])


@pytest.fixture(scope="module")
def scaled(real_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scaled")
    data = _copy_data(real_data_dir, folder / "data")
    db_path = folder / "tagifai.duckdb"
    _build(db_path, data)
    return db_path


def test_the_fit_is_the_documented_sample_and_its_folds(scaled: Path, labeled_ids: list[int], sample) -> None:
    fits = _fits(scaled)
    assert sorted(fits) == [-1, 0, 1, 2, 3, 4]
    assert len({fit[0] for fit in fits.values()}) == 1
    assert sorted(fits[-1][2]) == sample
    for fold in range(5):
        assert sorted(fits[fold][2]) == [i for i in sample if _blake(42, i) % 5 != fold]


def test_no_labeled_project_is_scored_by_a_model_that_saw_it(scaled: Path, labeled_ids: list[int], sample) -> None:
    fits = _fits(scaled)
    trained_on = {fold: set(fit[2]) for fold, fit in fits.items()}
    predictions = _predictions(scaled)
    labeled, in_sample = set(labeled_ids), set(sample)
    for (project_id, _), (probability, held_out, fold, _) in predictions.items():
        assert 0 <= probability <= 1
        assert held_out == (project_id in labeled)
        if project_id in in_sample:
            assert fold == _blake(42, project_id) % 5
        else:
            assert fold is None
        if project_id in labeled:
            assert project_id not in trained_on[-1 if fold is None else fold]
    # Every labeled project outside the sample is scored too (by the model fit on the sample).
    assert {pid for pid, _ in predictions} >= labeled


def _small_edit(sample: list[int], labeled_ids: list[int], common_tag: str):
    """Two labeled projects edited (one in the sample, one not) and a new one with the most common kept tag
    (so no tag crosses the threshold: the kept tags, and so the models' columns, stay)."""
    outside = next(i for i in labeled_ids if i not in set(sample))

    def edit(projects: list[dict]) -> list[dict]:
        by_id = {int(p["id"]): p for p in projects}
        by_id[sample[0]]["description"] = "A transformer language model for question answering with pytorch."
        by_id[outside]["description"] = "Object detection and image segmentation with convolutional networks."
        new = dict(by_id[sample[1]], id=max(by_id) + 1, title="A brand new graph neural network library")
        new["tags"] = [common_tag]
        return [*projects, new]

    return edit, outside


def test_a_small_change_scores_only_the_changed_projects_with_the_stored_models(
    scaled: Path, real_data_dir: Path, tmp_path: Path, labeled_ids: list[int], sample
) -> None:
    gold, _ = gold_labels(real_data_dir)
    counts: dict[str, int] = {}
    for tags in gold.values():
        for tag in tags:
            counts[tag] = counts.get(tag, 0) + 1
    edit, outside = _small_edit(sample, labeled_ids, max(counts, key=counts.__getitem__))
    data = _copy_data(real_data_dir, tmp_path / "data", edit)
    copy = tmp_path / "tagifai.duckdb"
    shutil.copy(scaled, copy)
    before_fits, before = _fits(scaled), _predictions(scaled)
    _build(copy, data)
    after_fits, after = _fits(copy), _predictions(copy)
    new_id = max(pid for pid, _ in after)
    # Under the refit share (3 of 1444 moved): the same fit, not refit...
    assert after_fits == before_fits
    with duckdb.connect(str(copy), read_only=True) as con:
        (current,) = con.execute("select model_version from intermediate.int_tag_model_version").fetchone()
        models = {
            fold: pickle.loads(blob)
            for fold, blob in con.execute(
                "select model_fold, model_pickle from intermediate.int_tag_model_fits"
            ).fetchall()
        }
        texts = dict(con.execute("select project_id, text from staging.stg_madewithml__projects").fetchall())
    assert current != before_fits[-1][0]  # ...though what it would learn from did change
    # ...and only the changed and new projects were scored again.
    moved = {pid for key, value in after.items() if before.get(key) != value for pid in [key[0]]}
    assert moved == {sample[0], outside, new_id}
    # Each by the model that never saw it: its fold's model in the sample, else the model on the sample.
    tags = sorted({tag for _, tag in after})
    for project_id, model_fold in ((sample[0], _blake(42, sample[0]) % 5), (outside, -1), (new_id, -1)):
        expected = models[model_fold].predict_proba([texts[project_id]])[0]
        stored = [after[(project_id, tag)][0] for tag in tags]
        assert np.allclose(stored, expected)
        assert after[(project_id, tags[0])][1] is True  # labeled: held out
        assert after[(project_id, tags[0])][2] == (None if model_fold < 0 else model_fold)


def test_a_change_over_the_refit_share_refits_and_equals_a_fresh_build(
    scaled: Path, real_data_dir: Path, tmp_path: Path, labeled_ids: list[int]
) -> None:
    moved = labeled_ids[:: len(labeled_ids) // 100][:100]  # 100 of 1444: about 7%, over 5%

    def edit(projects: list[dict]) -> list[dict]:
        for project in projects:
            if int(project["id"]) in set(moved):
                project["description"] = project["description"] + " Revised."
        return projects

    data = _copy_data(real_data_dir, tmp_path / "data", edit)
    copy = tmp_path / "incremental" / "tagifai.duckdb"
    copy.parent.mkdir()
    shutil.copy(scaled, copy)
    _build(copy, data)
    fits = _fits(copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        (current,) = con.execute("select model_version from intermediate.int_tag_model_version").fetchone()
    assert {fit[0] for fit in fits.values()} == {current} != {fit[0] for fit in _fits(scaled).values()}
    assert {value[3] for value in _predictions(copy).values()} == {current}
    fresh = tmp_path / "fresh" / "tagifai.duckdb"
    fresh.parent.mkdir()
    _build(fresh, data)
    built, expected = _learned(copy), _learned(fresh)
    assert sorted(expected) == sorted(LEARNED)
    assert differences(built, expected) == []


def test_scoring_in_batches_gives_the_same_rows_and_leaves_no_scratch_table(
    scaled: Path, real_data_dir: Path, tmp_path: Path
) -> None:
    """2032 projects scored 250 at a time (9 batches, the last one short), side by side in two worker processes
    (var tag_model_processes), equal one batch of them all scored in dbt's own process."""
    batched = tmp_path / "tagifai.duckdb"
    _build(batched, real_data_dir, {**VARS, "tag_model_score_batch_projects": 250})
    assert _predictions(batched) == _predictions(scaled)
    assert differences(_learned(batched), _learned(scaled)) == []
    with duckdb.connect(str(batched), read_only=True) as con:
        scratch = "select table_name from information_schema.tables where table_name like '%batches'"
        assert con.execute(scratch).fetchall() == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("tag_model_score_batch_projects", "0"),
        ("tag_model_score_batch_projects", "-5"),
        ("tag_model_score_batch_projects", "many"),
        ("tag_model_processes", "0"),
    ],
)
def test_a_bad_score_batch_size_or_process_count_stops_the_build_naming_the_var(
    name: str, value: str, tmp_path: Path, real_data_dir: Path
) -> None:
    db_path = tmp_path / "tagifai.duckdb"
    assert run_loader(db_path, "--data-dir", str(real_data_dir)).returncode == 0
    result = run_dbt(
        db_path,
        "build",
        "--select",
        "+tag_model_predictions",
        "--vars",
        json.dumps({**VARS, name: value}),
        check=False,
    )
    assert result.returncode != 0
    assert f"var {name} is" in result.stdout + result.stderr


def test_a_bad_process_count_stops_a_build_that_neither_fits_nor_scores_batches_side_by_side(
    scaled: Path, tmp_path: Path
) -> None:
    """The daily run: no refit, one batch of new projects. A bad tag_model_processes must stop it too, not
    wait for the first build large enough to use the workers."""
    copy = tmp_path / "tagifai.duckdb"
    shutil.copy(scaled, copy)
    bad = json.dumps({**VARS, "tag_model_processes": 0})
    result = run_dbt(copy, "run", "--select", "tag_model_predictions", "--vars", bad, check=False)
    assert result.returncode != 0
    assert "var tag_model_processes is" in result.stdout + result.stderr


def test_a_kept_tag_change_refits_with_no_data_change(scaled: Path, tmp_path: Path, real_data_dir: Path) -> None:
    copy = tmp_path / "tagifai.duckdb"
    shutil.copy(scaled, copy)
    _build(copy, real_data_dir, {**VARS, "min_tag_freq": 60})
    before, after = _fits(scaled), _fits(copy)
    assert after[-1][1] != before[-1][1]  # structure_version: other tags are predicted
    assert {tag for _, tag in _predictions(copy)} < {tag for _, tag in _predictions(scaled)}


def test_the_refit_rule() -> None:
    state = FitState("v1", "s1", n_labeled_at_fit=1000, n_labeled_loaded_since=0)
    # Nothing moved, or small data (every change refits), or another structure.
    assert not needs_refit(state, "v1", "s1", 1000, 500, 0.05)
    assert needs_refit(state, "v2", "s1", 1000, 2000, 0.05)
    assert needs_refit(state, "v1", "s2", 1000, 500, 0.05)
    assert needs_refit(None, "v1", "s1", 1000, 500, 0.05)
    assert needs_refit(state, "v2", "s1", 1000, 0, 0.05)  # 0 = no bound: exact
    # At scale: 40 new of 1000 is under 5%, 50 is not; 60 gone (1000 at fit, 940 now, none loaded since) too.
    assert not needs_refit(state._replace(n_labeled_loaded_since=40), "v2", "s1", 1040, 500, 0.05)
    assert needs_refit(state._replace(n_labeled_loaded_since=50), "v2", "s1", 1050, 500, 0.05)
    assert needs_refit(state, "v2", "s1", 940, 500, 0.05)
    assert changed_share(state._replace(n_labeled_loaded_since=30), 1000) == pytest.approx(0.03)  # 30 changed


@pytest.mark.parametrize("value", ["-0.1", "1.5", "half", ""])
def test_a_bad_refit_share_is_named(value: str) -> None:
    with pytest.raises(ValueError, match="tag_model_refit_share.*from 0 to 1"):
        refit_share_var(value)
