"""The agreement marts on generated annotations equal established implementations: scikit-learn's
cohen_kappa_score per annotator pair and statsmodels' fleiss_kappa across annotators, per tag and over all
tags; the disagreement list and the discrepancy warning name exactly the items and tags they should."""

import itertools
import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa

from oracles.labeling_reference import gold_labels

ALL = "all tags"


@pytest.fixture(scope="module")
def decisions(generated_annotations: Path, real_data_dir: Path) -> dict[str, dict[str, dict[int, int]]]:
    """tag -> annotator -> project id -> 1/0, for every kept tag and every project shared by 2+ annotators."""
    records = json.loads(generated_annotations.read_text(encoding="utf-8"))
    _, kept = gold_labels(real_data_dir)  # the lesson's own code, not the warehouse
    given = defaultdict(set)
    for r in records:
        given[(r["annotator"], r["project_id"])].add(r["tag"])
    annotators_of = defaultdict(set)
    for annotator, project_id in given:
        annotators_of[project_id].add(annotator)
    shared = {project_id for project_id, names in annotators_of.items() if len(names) >= 2}
    table: dict[str, dict[str, dict[int, int]]] = {tag: defaultdict(dict) for tag in sorted(kept)}
    for (annotator, project_id), tags in given.items():
        if project_id in shared:
            for tag in kept:
                table[tag][annotator][project_id] = int(tag in tags)
    return table


def _pooled(decisions) -> dict[str, dict[tuple[int, str], int]]:
    pooled: dict[str, dict[tuple[int, str], int]] = defaultdict(dict)
    for tag, by_annotator in decisions.items():
        for annotator, answers in by_annotator.items():
            for project_id, answer in answers.items():
                pooled[annotator][(project_id, tag)] = answer
    return pooled


def _groups(decisions) -> dict[str, dict]:
    return {**decisions, ALL: _pooled(decisions)}


def _close(actual: float | None, expected: float) -> bool:
    if math.isnan(expected):
        return actual is None
    return actual is not None and abs(actual - expected) <= 1e-9


def test_the_generated_set_has_overlap_and_disagreement(decisions, query) -> None:
    annotators = {a for by_annotator in decisions.values() for a in by_annotator}
    assert len(annotators) == 3
    assert query("select count(*) from marts.label_disagreements")[0][0] > 0


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_cohen_kappa_per_pair_matches_scikit_learn(decisions, query) -> None:
    rows = query(
        "select tag, annotator_a, annotator_b, n_items, n_disagreements, kappa from marts.annotator_agreement "
        "where comparison = 'pair'"
    )
    actual = {(r[0], r[1], r[2]): r[3:] for r in rows}
    expected_keys = set()
    for tag, by_annotator in _groups(decisions).items():
        for a, b in itertools.combinations(sorted(by_annotator), 2):
            items = sorted(set(by_annotator[a]) & set(by_annotator[b]))
            y_a = [by_annotator[a][i] for i in items]
            y_b = [by_annotator[b][i] for i in items]
            n_items, n_disagreements, kappa = actual[(tag, a, b)]
            assert (n_items, n_disagreements) == (len(items), sum(x != y for x, y in zip(y_a, y_b, strict=True)))
            expected = cohen_kappa_score(y_a, y_b, labels=[0, 1])
            assert _close(kappa, float(expected)), (tag, a, b, kappa, expected)
            expected_keys.add((tag, a, b))
    assert set(actual) == expected_keys


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_fleiss_kappa_matches_statsmodels(decisions, query) -> None:
    rows = query(
        "select tag, n_items, n_disagreements, observed_agreement, kappa, discrepancy_rate "
        "from marts.annotator_agreement where comparison = 'all annotators'"
    )
    actual = {r[0]: r[1:] for r in rows}
    groups = _groups(decisions)
    assert set(actual) == set(groups)
    for tag, by_annotator in groups.items():
        items = sorted({i for answers in by_annotator.values() for i in answers})
        counts = np.array(
            [[sum(answers[i] for answers in by_annotator.values() if i in answers)] for i in items], dtype=float
        )
        raters = np.array([[sum(i in answers for answers in by_annotator.values())] for i in items], dtype=float)
        assert (raters == raters.max()).all()  # the generator has every annotator on every shared project
        table = np.hstack([raters - counts, counts])
        n_items, n_disagreements, observed, kappa, discrepancy = actual[tag]
        disagreeing = int(((counts > 0) & (counts < raters)).sum())
        assert (n_items, n_disagreements) == (len(items), disagreeing)
        assert discrepancy == pytest.approx(disagreeing / len(items), abs=1e-10)
        n = raters[0, 0]
        assert observed == pytest.approx(((table**2).sum(axis=1) - n).mean() / (n * (n - 1)), abs=1e-10)
        expected = float(fleiss_kappa(table, method="fleiss"))
        assert _close(kappa, expected), (tag, kappa, expected)


def test_label_disagreements_list_every_disagreeing_item(decisions, query) -> None:
    expected = {}
    for tag, by_annotator in decisions.items():
        for project_id in {i for answers in by_annotator.values() for i in answers}:
            said = {a: answers[project_id] for a, answers in by_annotator.items() if project_id in answers}
            if 0 < sum(said.values()) < len(said):
                expected[(project_id, tag)] = (
                    sorted(a for a, v in said.items() if v),
                    sorted(a for a, v in said.items() if not v),
                )
    rows = query("select project_id, tag, annotators_tagged, annotators_not_tagged from marts.label_disagreements")
    assert {(r[0], r[1]): (r[2], r[3]) for r in rows} == expected


def test_discrepancy_warning_names_the_tags_above_two_percent(decisions, real_warehouse: Path, query) -> None:
    above = set()
    for tag, by_annotator in decisions.items():
        items = {i for answers in by_annotator.values() for i in answers}
        disagreeing = sum(
            0 < sum(a[i] for a in by_annotator.values() if i in a) < sum(i in a for a in by_annotator.values())
            for i in items
        )
        if disagreeing / len(items) > 0.02:
            above.add(tag)
    assert above, "the default error rates should push some tags above 2%"
    stored = query("select tag from test_failures.assert_tag_discrepancy_within_max")
    assert {row[0] for row in stored} == above
