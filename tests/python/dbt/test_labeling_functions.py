"""The labeling-function marts on the real data equal an independent Python computation, exactly:
which functions fire where, Snorkel's LF summary per function, and the tag suggestions."""

from collections import defaultdict
from pathlib import Path

import pytest

from oracles.labeling_reference import contains_whole_word, gold_labels, labeling_functions, lf_summary, votes


@pytest.mark.parametrize(
    ("text", "word", "case_sensitive", "expected"),
    [
        ("BERT and friends", "bert", False, True),
        ("BERT and friends", "bert", True, False),
        ("Albert the bot", "bert", False, False),  # a letter before
        ("bert2", "bert", False, False),  # a digit after
        ("2bert", "bert", False, False),  # a digit before
        ("tiny_bert", "bert", False, True),  # _ is neither a letter nor a digit
        ("ébert", "bert", False, True),  # é is not an ASCII letter
        ("robert, then bert.", "bert", False, True),  # the second occurrence is a word
        ("c++ tools", "c++", False, True),  # the keyword literally, not a pattern
        ("cc++", "c++", False, False),
        ("bert", "bert", False, True),  # at both ends of the text
    ],
)
def test_the_oracles_whole_word_is_the_documented_rule(
    text: str, word: str, case_sensitive: bool, expected: bool
) -> None:
    # docs/labeling.md: a keyword is "the pattern literally, as a whole word (not next to an ASCII letter or
    # digit)". The same cases are in the model's unit test (int_labeling_functions_fired).
    assert contains_whole_word(text, word, case_sensitive) is expected


@pytest.fixture(scope="module")
def reference(real_data_dir: Path):
    functions = labeling_functions()
    gold, kept = gold_labels(real_data_dir)
    fired = votes(real_data_dir, functions)
    return functions, gold, kept, fired


def test_the_starter_set_covers_every_kept_tag(reference) -> None:
    functions, _, kept, _ = reference
    assert len(kept) == 35
    assert {lf.tag for lf in functions} == kept


def test_votes_match_python_re_exactly(reference, query) -> None:
    functions, gold, _, fired = reference
    tags = {lf.name: lf.tag for lf in functions}
    expected = {
        (project_id, name): (
            label,
            project_id in gold,
            tags[name] in gold.get(project_id, set()),
            ((label == 1) == (tags[name] in gold[project_id])) if project_id in gold else None,
        )
        for (project_id, name), label in fired.items()
    }
    rows = query("select project_id, lf_name, label, is_in_dataset, project_has_tag, is_correct from marts.lf_votes")
    actual = {(row[0], row[1]): tuple(row[2:]) for row in rows}
    assert len(actual) == len(rows)
    assert actual == expected
    assert len(actual) > 1000


def test_lf_summary_matches_snorkels_definitions_exactly(reference, query) -> None:
    functions, gold, _, fired = reference
    expected = lf_summary(fired, functions, gold)
    columns = list(next(iter(expected.values())))
    rows = query(f"select lf_name, {', '.join(columns)} from marts.lf_summary")
    actual = {row[0]: dict(zip(columns, row[1:], strict=True)) for row in rows}
    assert actual == expected
    # The real data exercises every metric: conflicts happen and no function is idle.
    assert sum(s["n_conflicts"] for s in expected.values()) > 0
    assert all(s["n_covered"] > 0 for s in expected.values())


def test_tag_suggestions_match(reference, query) -> None:
    functions, gold, kept, fired = reference
    by_name = {lf.name: lf for lf in functions}
    votes_for: dict[tuple[int, str], list[str]] = defaultdict(list)
    votes_against: dict[tuple[int, str], int] = defaultdict(int)
    for (project_id, name), label in fired.items():
        tag = by_name[name].tag
        if tag in gold.get(project_id, set()):
            continue
        if label == 1 and tag in kept:
            votes_for[(project_id, tag)].append(name)
        elif label == 0:
            votes_against[(project_id, tag)] += 1
    expected = {
        key: (key[0] in gold, len(names), votes_against[key], sorted(names)) for key, names in votes_for.items()
    }
    rows = query(
        "select project_id, tag, is_in_dataset, n_votes_for, n_votes_against, labeling_functions_for "
        "from marts.tag_suggestions"
    )
    assert {(row[0], row[1]): tuple(row[2:]) for row in rows} == expected
    assert any(not in_dataset for in_dataset, *_ in expected.values())


def test_lf_summary_says_which_functions_are_keywords_and_which_regexes(query) -> None:
    # A keyword of ASCII letters and digits only is a whole-word keyword; everything else (regexes, keywords
    # such as c++) is a regex. Read from the seed file itself, not from the warehouse.
    import csv  # noqa: PLC0415

    from support.commands import REPO_ROOT  # noqa: PLC0415

    with (REPO_ROOT / "seeds" / "labeling_functions.csv").open(encoding="utf-8") as handle:
        expected = {
            row["lf_name"]: "keyword"
            if row["kind"] == "keyword" and row["pattern"].isascii() and row["pattern"].isalnum()
            else "regex"
            for row in csv.DictReader(handle)
        }
    actual = dict(query("select lf_name, function_kind from marts.lf_summary"))
    assert actual == expected
    assert set(expected.values()) == {"keyword", "regex"}
