"""The agreement marts on generated annotations equal established implementations: scikit-learn's
cohen_kappa_score per annotator pair and statsmodels' fleiss_kappa across annotators, per tag and over all
tags; the disagreement list and the discrepancy warning name exactly the items and tags they should."""

import itertools
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss_kappa

from oracles.agreement_reference import fleiss_kappa
from oracles.labeling_reference import gold_labels
from support.commands import run_dbt, run_loader

ALL = "all tags"
ALL_KEPT_EXAMPLE = "natural-language-processing"  # a kept tag: its decisions cover every shared project


def _decisions(records: list[dict], kept: set[str]) -> dict[str, dict[str, dict[int, int]]]:
    """tag -> annotator -> project id -> 1/0, for every kept tag and every project shared by 2+ annotators."""
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


def _uneven(records: list[dict]) -> list[dict]:
    """The generated records with the shared projects rated by 2, 3 or 4 annotators: one annotator drops a
    third of them, another a fifth, and a fourth annotator (a copy of the first, who adds one tag) joins a
    quarter of them."""
    names = sorted({r["annotator"] for r in records})
    raters = defaultdict(set)
    for r in records:
        raters[r["project_id"]].add(r["annotator"])
    shared = {pid for pid, who in raters.items() if len(who) == len(names)}
    out = [
        r
        for r in records
        if not (r["project_id"] in shared and r["annotator"] == names[1] and r["project_id"] % 3 == 0)
        and not (r["project_id"] in shared and r["annotator"] == names[2] and r["project_id"] % 5 == 1)
    ]
    for pid in sorted(pid for pid in shared if pid % 4 == 0):
        first = [r for r in records if r["project_id"] == pid and r["annotator"] == names[0]]
        out += [{**r, "annotator": "zoe"} for r in first]
        out.append({**first[0], "annotator": "zoe", "tag": "natural-language-processing" if pid % 8 else "pytorch"})
    # One record per (annotator, project, tag): the added tag may be one the first annotator gave.
    return list({(r["annotator"], r["project_id"], r["tag"]): r for r in out}.values())


@dataclass(frozen=True)
class Case:
    decisions: dict[str, dict[str, dict[int, int]]]
    db_path: Path
    uneven: bool  # shared projects rated by different numbers of annotators

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.db_path), read_only=True) as con:
            return con.execute(sql).fetchall()


@pytest.fixture(scope="module", params=["every_annotator", "uneven_annotators"])
def case(
    request: pytest.FixtureRequest,
    generated_annotations: Path,
    real_data_dir: Path,
    real_warehouse: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Case:
    """The generated annotations (every annotator on every shared project) in the real warehouse, or the same
    made uneven (2 to 4 annotators per shared project) in a warehouse built for them."""
    records = json.loads(generated_annotations.read_text(encoding="utf-8"))
    _, kept = gold_labels(real_data_dir)  # the lesson's own code, not the warehouse
    if request.param == "every_annotator":
        return Case(_decisions(records, kept), real_warehouse, uneven=False)
    records = _uneven(records)
    folder = tmp_path_factory.mktemp("uneven")
    (folder / "annotations.json").write_text(json.dumps(records), encoding="utf-8")
    db_path = folder / "tagifai.duckdb"
    loaded = run_loader(db_path, "--data-dir", str(real_data_dir), "--annotations", str(folder / "annotations.json"))
    assert loaded.returncode == 0, loaded.stderr
    selection = "+annotator_agreement +label_disagreements +assert_tag_discrepancy_within_max"
    run_dbt(db_path, "build", "--select", selection, "--indirect-selection", "cautious")
    return Case(_decisions(records, kept), db_path, uneven=True)


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


def test_the_annotations_have_overlap_and_disagreement(case: Case) -> None:
    annotators = {a for by_annotator in case.decisions.values() for a in by_annotator}
    assert len(annotators) == (4 if case.uneven else 3)
    assert case.query("select count(*) from marts.label_disagreements")[0][0] > 0
    # Raters per shared project: all 3 everywhere, or 2, 3 and 4 in the uneven set.
    raters = Counter(
        sum(project_id in answers for answers in case.decisions[ALL_KEPT_EXAMPLE].values())
        for project_id in {i for answers in case.decisions[ALL_KEPT_EXAMPLE].values() for i in answers}
    )
    assert set(raters) == ({2, 3, 4} if case.uneven else {3})


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
# A pair with one answer only on its shared items: scikit-learn warns and gives nan, the mart null (_close).
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
def test_cohen_kappa_per_pair_matches_scikit_learn(case: Case) -> None:
    decisions = case.decisions
    rows = case.query(
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
def test_fleiss_kappa_matches_statsmodels_and_the_unequal_raters_formula(case: Case) -> None:
    rows = case.query(
        "select tag, n_items, n_disagreements, observed_agreement, expected_agreement, kappa, discrepancy_rate "
        "from marts.annotator_agreement where comparison = 'all annotators'"
    )
    actual = {r[0]: r[1:] for r in rows}
    groups = _groups(case.decisions)
    assert set(actual) == set(groups)
    n_uneven = 0
    for tag, by_annotator in groups.items():
        items = sorted({i for answers in by_annotator.values() for i in answers})
        answers_of = [[answers[i] for answers in by_annotator.values() if i in answers] for i in items]
        n_items, n_disagreements, observed, expected_agreement, kappa, discrepancy = actual[tag]
        disagreeing = sum(0 < sum(answers) < len(answers) for answers in answers_of)
        assert (n_items, n_disagreements) == (len(items), disagreeing)
        assert discrepancy == pytest.approx(disagreeing / len(items), abs=1e-10)
        p_bar, p_e, expected = fleiss_kappa(answers_of)
        assert observed == pytest.approx(p_bar, abs=1e-10)
        assert expected_agreement == pytest.approx(p_e, abs=1e-10)
        assert (kappa is None) if expected is None else kappa == pytest.approx(expected, abs=1e-9), (tag, kappa)
        if len({len(answers) for answers in answers_of}) == 1:
            # Every item has the same raters: statsmodels applies, and agrees with the reference.
            counts = np.array([[len(a) - sum(a), sum(a)] for a in answers_of], dtype=float)
            assert _close(kappa, float(statsmodels_fleiss_kappa(counts, method="fleiss"))), tag
        else:
            n_uneven += 1
    assert n_uneven == (len(groups) if case.uneven else 0)


def test_label_disagreements_list_every_disagreeing_item(case: Case) -> None:
    expected = {}
    for tag, by_annotator in case.decisions.items():
        for project_id in {i for answers in by_annotator.values() for i in answers}:
            said = {a: answers[project_id] for a, answers in by_annotator.items() if project_id in answers}
            if 0 < sum(said.values()) < len(said):
                expected[(project_id, tag)] = (
                    sorted(a for a, v in said.items() if v),
                    sorted(a for a, v in said.items() if not v),
                )
    rows = case.query("select project_id, tag, annotators_tagged, annotators_not_tagged from marts.label_disagreements")
    assert {(r[0], r[1]): (r[2], r[3]) for r in rows} == expected


def test_discrepancy_warning_names_the_tags_above_two_percent(case: Case) -> None:
    above = set()
    for tag, by_annotator in case.decisions.items():
        items = {i for answers in by_annotator.values() for i in answers}
        disagreeing = sum(
            0 < sum(a[i] for a in by_annotator.values() if i in a) < sum(i in a for a in by_annotator.values())
            for i in items
        )
        if disagreeing / len(items) > 0.02:
            above.add(tag)
    assert above, "the default error rates should push some tags above 2%"
    stored = case.query("select tag from test_failures.assert_tag_discrepancy_within_max")
    assert {row[0] for row in stored} == above
