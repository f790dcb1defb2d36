"""The exploration marts on the real data: the sweep equals the lesson at any threshold, the taxonomy's
known problems are found with their fixes, and new unknown tags are reported by the warn test."""

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from oracles.lesson_reference import labeled_projects as lesson_labeled_projects
from oracles.taxonomy_reference import known_tag_names, taxonomy_issues
from support.commands import run_dbt, run_loader


@pytest.mark.parametrize("min_tag_freq", [1, 25, 29, 100, 424])
def test_sweep_equals_the_lesson_at_each_threshold(query, real_data_dir: Path, min_tag_freq: int) -> None:
    df, kept = lesson_labeled_projects(real_data_dir, min_tag_freq)
    expected = (len(set(kept)), len(df), int(df.tags.map(len).sum()))
    sql = "select n_tags, n_projects, n_labels from marts.tag_threshold_sweep where min_tag_freq = ?"
    assert query(sql, [min_tag_freq]) == [expected]


def test_sweep_covers_every_threshold_once(query) -> None:
    assert query("select min(min_tag_freq), max(min_tag_freq), count(*) from marts.tag_threshold_sweep") == [
        (1, 424, 424)
    ]


def test_cut_report_edges_are_the_lessons(query) -> None:
    rows = query("select cut_group, tag from marts.tag_cut_report")
    groups = {group: {tag for g, tag in rows if g == group} for group, _ in rows}
    assert groups["just_made_the_cut"] == {
        "time-series",
        "flask",
        "node-classification",
        "question-answering",
        "pretraining",
    }
    assert groups["just_missed_the_cut"] == {
        "model-compression",
        "fastai",
        "graph-classification",
        "recurrent-neural-networks",
        "adversarial-learning",
    }


def test_taxonomy_issues_name_the_missing_parents_and_their_fixes(query) -> None:
    rows = query("select issue_type, tag, related_name, suggested_tag from marts.taxonomy_issues order by tag")
    assert {row[0] for row in rows} == {"parent_not_a_tag"}  # no alias clash, no cycle in the real taxonomy
    assert {row[2] for row in rows} == {"testing", "health", "audio", "decision-tree", "qa"}
    fixes = {row[2]: row[3] for row in rows if row[3] is not None}
    assert fixes == {"qa": "question-answering", "decision-tree": "decision-trees"}
    # Every broken link of the shipped taxonomy is reviewed (seeds/reviewed_taxonomy_parents.csv), so the
    # warn test stores none of them.
    reviewed = query("select tag, parent from seeds.reviewed_taxonomy_parents order by tag")
    assert [(row[1], row[2]) for row in rows] == reviewed
    assert query("select count(*) from test_failures.assert_taxonomy_parents_are_taxonomy_tags") == [(0,)]


def test_tag_taxonomy_children_mirror_parents(query) -> None:
    assert query("select len(children) > 10 from marts.tag_taxonomy where tag = 'computer-vision'") == [(True,)]
    mismatches = query(
        """
        select child.tag, parent.tag
        from marts.tag_taxonomy as child, unnest(child.parents) as p(name)
        inner join marts.tag_taxonomy as parent on parent.tag = p.name
        where not list_contains(parent.children, child.tag)
        """
    )
    assert mismatches == []


def test_unknown_tags_equal_an_independent_count(query, real_data_dir: Path) -> None:
    # From the JSON files: every project tag that is neither a taxonomy tag nor an alias only one tag lists.
    known = known_tag_names(real_data_dir)
    projects = json.loads((real_data_dir / "projects.json").read_text(encoding="utf-8"))
    uses = Counter(tag for project in projects for tag in project["tags"] if tag not in known)
    reach = Counter(tag for project in projects for tag in set(project["tags"]) if tag not in known)
    expected = sorted((tag, n, reach[tag]) for tag, n in uses.items())
    assert query("select tag, n_uses, n_projects from marts.unknown_tags order by tag") == expected
    assert len(expected) > 100
    assert query("select similar_tag, match_type from marts.unknown_tags where tag = 'decision-tree'") == [
        ("decision-trees", "singular/plural variant")
    ]


def test_new_unknown_tags_warn_with_their_rows_stored(query) -> None:
    stored = query(
        "select tag, n_uses from test_failures.assert_no_new_unknown_tag_above_usage_threshold order by n_uses desc"
    )
    expected = query(
        "select tag, n_uses from marts.unknown_tags where not is_reviewed and n_uses >= 25 order by n_uses desc"
    )
    assert stored == expected
    # The shipped data's frequent unknown tags are all reviewed (seeds/reviewed_unknown_tags.csv); a new one
    # warns (tests/python/dbt/test_clean_build_warnings.py).
    assert stored == []
    assert query("select n_uses, is_reviewed from marts.unknown_tags where tag = 'bert'") == [(77, True)]


def test_prevalence_is_empty_without_created_on(query) -> None:
    assert query("select count(*) from staging.stg_madewithml__projects where created_at is not null") == [(0,)]
    assert query("select count(*) from marts.unknown_tag_prevalence") == [(0,)]


def _taxonomy_with_clashes(real_data_dir: Path, dest: Path) -> Path:
    """The real data with a taxonomy that has every alias and cycle problem: an alias that is a tag, an alias
    two tags list, and two parent cycles (of two and three links)."""
    dest.mkdir()
    shutil.copy(real_data_dir / "projects.json", dest / "projects.json")
    tags = json.loads((real_data_dir / "tags.json").read_text(encoding="utf-8"))
    by_name = {item["tag"]: item for item in tags}
    by_name["tensorflow"]["aliases"].append("pytorch")
    by_name["computer-vision"]["aliases"].append("vision-and-language")
    by_name["natural-language-processing"]["aliases"].append("vision-and-language")
    by_name["attention"]["parents"].append("transformers")
    by_name["transformers"]["parents"].append("attention")
    by_name["computer-vision"]["parents"].append("3d")  # 3d's parent is computer-vision
    (dest / "tags.json").write_text(json.dumps(tags), encoding="utf-8")
    return dest


def test_taxonomy_issues_report_alias_clashes_and_cycles(real_data_dir: Path, tmp_path: Path) -> None:
    data = _taxonomy_with_clashes(real_data_dir, tmp_path / "data")
    expected = taxonomy_issues(data)
    assert {issue for issue, _, _ in expected} == {"alias_is_a_tag", "alias_shared", "parent_cycle"}
    db_path = tmp_path / "tagifai.duckdb"
    loaded = run_loader(db_path, "--data-dir", str(data))
    assert loaded.returncode == 0, loaded.stderr
    # The build that reports the clash must not skip the mart that reports it: the alias test only warns.
    built = run_dbt(db_path, "build", "--select", "+taxonomy_issues", "--indirect-selection", "cautious")
    assert re.search(r"WARN \d+ assert_taxonomy_aliases_are_unambiguous ", built.stdout), built.stdout[-3000:]
    assert "SKIP=0" in built.stdout
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(
            "select issue_type, tag, related_name from marts.taxonomy_issues where issue_type <> 'parent_not_a_tag'"
        ).fetchall()
    assert sorted(rows) == sorted(expected)
    # With aliases resolved the clash would change labels: there it stops the build, naming the test.
    strict = run_dbt(
        db_path,
        "build",
        "--select",
        "+taxonomy_issues",
        "--indirect-selection",
        "cautious",
        "--vars",
        "{resolve_aliases: true}",
        check=False,
    )
    assert strict.returncode == 1
    assert re.search(r"FAIL \d+ assert_taxonomy_aliases_are_unambiguous ", strict.stdout), strict.stdout[-3000:]
