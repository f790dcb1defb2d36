"""The queues a push fills, on a scratch warehouse built by hand (only the tables push reads): one queue per
project by priority (disagreements > label_issues > suggestions > new), the label_issues queue and the
margin order of `new` when issue 30's marts exist, their fallbacks when they do not, the label model's
scores in the pre-annotations, --pre-accept-threshold, and how a push's plan accounts for every task.
Expectations are written out by hand from the rows below."""

import csv
import json
from pathlib import Path

import duckdb
import pytest

from tagifai.annotate import reconcile
from tagifai.annotate.cli import main
from tagifai.annotate.tasks import assign_queues, build_tasks
from tagifai.errors import TagifaiError

# Projects 1..9, created in id order (9 is the newest). Author tags (marts.labeled_projects):
AUTHOR = {1: ["a"], 2: ["a"], 3: ["a", "b"], 4: ["a"], 5: ["b"], 6: ["c"], 7: ["a"], 8: ["b"], 9: ["c"]}
# Memberships: 1 disagreement; suggestions for 1, 2, 4 (most votes: 4); project 7 decided (8 only skipped:
# not in int_projects_decided, whose unit test covers the rule).
BASE_SQL = """
create schema staging; create schema intermediate; create schema marts;
create table staging.stg_madewithml__projects as
    select i as project_id, timestamp '2020-01-01' + to_days(i::int) as created_at,
        'title ' || i as title, 'description ' || i as description, 'title ' || i || ' description ' || i as text
    from range(1, 10) as t(i);
create table intermediate.int_projects_decided (project_id bigint);
insert into intermediate.int_projects_decided values (7);
create table marts.tag_suggestions (project_id bigint, tag varchar, n_votes_for integer);
insert into marts.tag_suggestions values (1, 'b', 2), (2, 'c', 1), (4, 'b', 3);
create table marts.label_disagreements (project_id bigint, tag varchar);
insert into marts.label_disagreements values (1, 'a'), (1, 'b');
create table marts.tag_frequencies (tag varchar, is_kept boolean);
insert into marts.tag_frequencies values ('a', true), ('b', true), ('c', true), ('z', false);
create table intermediate.int_labeling_functions_fired (functions_version varchar);
insert into intermediate.int_labeling_functions_fired values ('lf-1');
"""
LABEL_ISSUES_SQL = """
create table marts.label_issues (project_id bigint, tag varchar, issue_kind varchar,
    label_quality_score double, model_probability double, issue_rank integer);
insert into marts.label_issues values (3, 'a', 'spurious', 0.2, 0.1, 2), (2, 'c', 'missing', 0.1, 0.9, 1),
    (1, 'b', 'missing', 0.3, 0.8, 3);
"""
# Margins (min over tags of |p - 0.5|): 3 -> .02, 5 -> .05, 6 -> .05, 8 -> .30; 9 has no prediction.
PREDICTIONS_SQL = """
create table marts.tag_model_predictions (project_id bigint, tag varchar, probability double, model_version varchar);
insert into marts.tag_model_predictions values (3, 'a', 0.52, 'm1'), (5, 'a', 0.55, 'm1'), (5, 'b', 0.1, 'm1'),
    (6, 'a', 0.45, 'm1'), (6, 'b', 0.9, 'm1'), (8, 'a', 0.8, 'm1');
"""
LABEL_MODEL_SQL = """
create table marts.label_model (project_id bigint, tag varchar, probability double, model_version varchar);
insert into marts.label_model values (2, 'a', 0.9, 'lm-1'), (2, 'b', 0.2, 'lm-1'), (2, 'c', 0.7, 'lm-1'),
    (4, 'a', 0.99, 'lm-1'), (4, 'b', 0.01, 'lm-1'),
    (5, 'a', 0.95, 'lm-1'), (5, 'b', 0.05, 'lm-1'),
    (6, 'a', 0.95, 'lm-1'), (6, 'b', 0.5, 'lm-1'),
    (8, 'a', 0.3, 'lm-1'), (8, 'b', 0.02, 'lm-1');
"""


def _warehouse(tmp_path: Path, *extra: str) -> Path:
    db_path = tmp_path / "w.duckdb"
    with duckdb.connect(str(db_path)) as con:
        con.execute(BASE_SQL)
        con.execute("create table marts.labeled_projects (id bigint, tags varchar[])")
        con.executemany("insert into marts.labeled_projects values (?, ?)", list(AUTHOR.items()))
        for sql in extra:
            con.execute(sql)
    return db_path


def _queues(tasks: list[dict]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for task in tasks:
        found.setdefault(task["data"]["queue"], []).append(task["data"]["project_id"])
    return found


def _by_project(tasks: list[dict]) -> dict[int, dict]:
    return {task["data"]["project_id"]: task for task in tasks}


def test_each_project_is_in_its_highest_priority_queue_only(tmp_path: Path) -> None:
    batch = build_tasks(_warehouse(tmp_path, LABEL_ISSUES_SQL))
    assert _queues(batch.tasks) == {
        "disagreements": [1],  # also an issue, a suggestion and undecided
        "label_issues": [2, 3],  # by issue_rank; 2 also has a suggestion
        "suggestions": [4],
        "new": [9, 8, 6, 5],  # no tag_model_predictions: newest first; 7 is decided, 8 only skipped
    }
    keys = [task["data"]["tagifai_key"] for task in batch.tasks]
    assert len(keys) == len(set(keys)) == len({task["data"]["project_id"] for task in batch.tasks}) == 8


def test_without_issue_30s_marts_the_label_issues_queue_is_empty_and_new_is_newest_first(tmp_path: Path) -> None:
    batch = build_tasks(_warehouse(tmp_path))
    assert _queues(batch.tasks) == {"disagreements": [1], "suggestions": [4, 2], "new": [9, 8, 6, 5, 3]}
    assert {task["predictions"][0]["model_version"] for task in batch.tasks} == {"lf-1"}
    assert all("score" not in task["predictions"][0] for task in batch.tasks)


def test_new_is_ordered_by_the_smallest_margin_then_project_id(tmp_path: Path) -> None:
    batch = build_tasks(_warehouse(tmp_path, PREDICTIONS_SQL))
    # 3 (.02), then 5 and 6 tied at .05 by id, then 8 (.30), then 9 without a prediction.
    assert _queues(batch.tasks)["new"] == [3, 5, 6, 8, 9]
    assert _queues(build_tasks(tmp_path / "w.duckdb", limit=2).tasks)["new"] == [3, 5]


def test_a_label_issues_task_holds_the_author_tags_plus_the_suspected_tag_scored_by_the_label_model(
    tmp_path: Path,
) -> None:
    tasks = _by_project(build_tasks(_warehouse(tmp_path, LABEL_ISSUES_SQL, LABEL_MODEL_SQL)).tasks)
    two, three = tasks[2], tasks[3]
    assert two["data"]["note"] == "Check: missing c" and three["data"]["note"] == "Check: spurious a"
    (pred,) = two["predictions"]
    assert pred["result"][0]["value"]["choices"] == ["a", "c"]  # author's a, the missing c
    # The label model on project 2: a .9 (chosen), b .2 (left out: 1 - .2 = .8), c .7 (chosen): weakest .7.
    assert pred["model_version"] == "lm-1" and pred["score"] == pytest.approx(0.7)
    assert pred["result"][0]["score"] == pytest.approx(0.7)
    # A spurious tag is the author's: the choices stay the author's; no label-model row, so no score and
    # the labeling functions' version.
    (pred3,) = three["predictions"]
    assert pred3["result"][0]["value"]["choices"] == ["a", "b"]
    assert pred3["model_version"] == "lf-1" and "score" not in pred3


def test_pre_accept_keeps_only_confidently_decided_new_projects_away_from_annotators(tmp_path: Path) -> None:
    db_path = _warehouse(tmp_path, LABEL_MODEL_SQL)
    batch = build_tasks(db_path, pre_accept_threshold=0.9)
    # 5: a .95, b .05: decided alone. 6: b at .5 is not confident. 8: no tag at .9. 4: confident, but in
    # `suggestions`, which people review whatever the model says.
    assert [(a.project_id, a.tag, a.model_version) for a in batch.pre_accepted] == [(5, "a", "lm-1")]
    assert _queues(batch.tasks) == {"disagreements": [1], "suggestions": [4, 2], "new": [9, 8, 6, 3]}
    assert _queues(build_tasks(db_path).tasks)["new"] == [9, 8, 6, 5, 3]  # off by default


def test_pre_accept_without_a_label_model_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TagifaiError, match="needs marts.label_model"):
        build_tasks(_warehouse(tmp_path), pre_accept_threshold=0.9)


def test_a_task_in_progress_pins_its_project_and_the_limit_leaves_it_in() -> None:
    candidates = {"disagreements": [1], "label_issues": [], "suggestions": [1, 2, 4], "new": [2, 3, 5, 6]}
    assigned = assign_queues(candidates, limit=1, pinned={2: "new"})
    assert assigned == {"disagreements": [1], "label_issues": [], "suggestions": [4], "new": [2, 3]}


def _task(task_id: int, key: str | None, digest: str = "h", *, annotations: int = 0, labeled: bool = False, **kw):
    data = {"title": "x"} if key is None else {"project_id": int(key.split(":")[0]), "tagifai_key": key}
    if key is not None:
        data.update(queue=key.split(":")[1], tagifai_hash=digest)
    return {
        "id": task_id,
        "data": data,
        "total_annotations": annotations,
        "cancelled_annotations": kw.get("cancelled", 0),
        "is_labeled": labeled,
        "drafts": kw.get("drafts", []),
    }


def _desired(key: str, digest: str = "h") -> dict:
    project_id, queue = key.split(":")
    return {"data": {"project_id": int(project_id), "queue": queue, "tagifai_key": key, "tagifai_hash": digest}}


def test_the_plan_puts_every_task_in_one_group_and_the_counts_add_up() -> None:
    existing = [
        _task(1, "1:new"),  # project 1 now in disagreements, never annotated: moved
        _task(2, "2:label_issues"),  # same key, same hash: unchanged
        _task(3, "3:label_issues", "old"),  # same key, new content: updated
        _task(4, "4:new", annotations=1, labeled=True),  # annotated; 4 is a suggestion now: kept + created
        _task(5, "5:new"),  # project 5 in no queue, never annotated: closed
        _task(6, "6:new", annotations=1, labeled=False),  # in progress: pins 6 to new
        _task(7, "2:label_issues"),  # a duplicate of task 2's key: closed
        _task(8, None),  # not made by tagifai: left alone
        _task(9, "9:new", drafts=[{"id": 1}]),  # a draft is work begun: in progress, pins 9 to new
        _task(10, "10:suggestions", cancelled=1, labeled=True),  # skipped and done, project out of queues: kept
    ]
    assert reconcile.pinned(existing) == {6: "new", 9: "new"}
    desired = [_desired(k) for k in ("1:disagreements", "2:label_issues", "4:suggestions", "6:new", "9:new")]
    desired.append(_desired("3:label_issues", "new"))
    plan = reconcile.plan(existing, desired)
    assert [task_id for task_id, _ in plan.moved] == [1]
    assert sorted(plan.unchanged) == [2, 6, 9]
    assert [task_id for task_id, _ in plan.updated] == [3]
    assert [body["data"]["tagifai_key"] for body in plan.created] == ["4:suggestions"]
    assert sorted(plan.closed) == [5, 7]
    assert sorted(plan.kept) == [4, 10]
    assert plan.foreign == [8]
    assert plan.n_before == len(existing) == 10
    assert plan.n_after == 10 - 2 + 1
    assert plan.summary().startswith("9 tasks in Label Studio = 1 created + 1 moved + 1 updated + 3 unchanged + 2 kept")


def test_export_with_pre_accept_writes_the_labels_left_to_the_model_and_no_task_for_them(tmp_path: Path) -> None:
    db_path = _warehouse(tmp_path, LABEL_MODEL_SQL)
    out = tmp_path / "tasks"
    assert main(["--duckdb-path", str(db_path), "export", "--out-dir", str(out), "--pre-accept-threshold", "0.9"]) == 0
    tasks = json.loads((out / "tasks.json").read_text())
    assert sorted(t["data"]["project_id"] for t in tasks) == [1, 2, 3, 4, 6, 8, 9]
    with (out / "pre_accepted.csv").open() as handle:
        assert list(csv.DictReader(handle)) == [
            {"project_id": "5", "tag": "a", "probability": "0.95", "model_version": "lm-1", "threshold": "0.9"}
        ]


@pytest.mark.parametrize("value", ["0.5", "1.2", "-1"])
def test_a_pre_accept_threshold_must_be_above_one_half_and_at_most_one(tmp_path: Path, value: str) -> None:
    with pytest.raises(SystemExit):
        main(["export", "--out-dir", str(tmp_path), "--pre-accept-threshold", value])
