"""Push against a real Label Studio: one task per project, in the queue of highest priority; a second push
after annotations and changes in the marts closes, moves, creates and keeps tasks, and its summary
accounts for every task Label Studio holds. And the label_issues queue's round trip: a correction made in
Label Studio comes back through `pull` into raw.annotation_events."""

import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from support.commands import BIN, run_dbt
from support.label_studio_api import Api

# It runs dbt (make test-fast leaves it out).
pytestmark = pytest.mark.dbt

PRIORITY = ("disagreements", "label_issues", "suggestions", "new")
ISSUE_MARTS = ("label_issues", "label_model", "tag_model_predictions")
SUMMARY = re.compile(
    r"(\d+) tasks in Label Studio = (\d+) created \+ (\d+) moved \+ (\d+) updated \+ (\d+) unchanged \+ "
    r"(\d+) kept \(annotated, out of the queues\) \+ (\d+) not made by tagifai; (\d+) closed "
    r"\(never annotated, deleted\); (\d+) before"
)


def _annotate_cli(label_studio, warehouse: Path, *args: str) -> subprocess.CompletedProcess:
    url, token_file = label_studio
    env = {**os.environ, "TAGIFAI_LABEL_STUDIO_URL": url, "TAGIFAI_LABEL_STUDIO_TOKEN_FILE": str(token_file)}
    env.pop("TAGIFAI_LABEL_STUDIO_TOKEN", None)
    command, *rest = args
    result = subprocess.run(
        [str(BIN / "tagifai-annotate"), "--duckdb-path", str(warehouse), command, *rest],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _summary(stdout: str) -> dict[str, int]:
    (match,) = SUMMARY.findall(stdout)
    names = ("after", "created", "moved", "updated", "unchanged", "kept", "foreign", "closed", "before")
    return dict(zip(names, map(int, match), strict=True))


def _drop_issue_marts(db_path: Path) -> None:
    """Issue 30's marts, when a build made them: this test is about the other queues."""
    with duckdb.connect(str(db_path)) as con:
        for name, kind in con.execute(
            "select table_name, table_type from information_schema.tables where table_schema = 'marts'"
        ).fetchall():
            if name in ISSUE_MARTS:
                con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} marts.{name}")


def _expected_queues(db_path: Path) -> dict[int, str]:
    """Each project's queue, from the memberships read straight from the marts, by the documented priority."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        projects = {p for (p,) in con.execute("select project_id from staging.stg_madewithml__projects").fetchall()}
        decided = {
            p
            for (p,) in con.execute(
                "select project_id from intermediate.int_annotation_events_latest where status <> 'skipped'"
            ).fetchall()
        }
        members = {
            "disagreements": {p for (p,) in con.execute("select project_id from marts.label_disagreements").fetchall()},
            "label_issues": set(),
            "suggestions": {p for (p,) in con.execute("select project_id from marts.tag_suggestions").fetchall()},
            "new": projects - decided,
        }
    everyone = set().union(*members.values())
    return {p: next(q for q in PRIORITY if p in members[q]) for p in everyone}


def _queues_in_label_studio(tasks: list[dict], kept_ids: set[int] = frozenset()) -> dict[int, str]:
    open_tasks = [t for t in tasks if t["id"] not in kept_ids]
    counts = Counter(t["data"]["project_id"] for t in open_tasks)
    assert max(counts.values()) == 1, [p for p, n in counts.items() if n > 1][:10]
    return {t["data"]["project_id"]: t["data"]["queue"] for t in open_tasks}


def test_one_task_per_project_and_a_second_push_accounts_for_every_task(label_studio, copy_built) -> None:
    api, title = Api(label_studio), "one-task-per-project"
    warehouse = copy_built("one_task")
    _drop_issue_marts(warehouse)
    first = _annotate_cli(label_studio, warehouse, "push", "--project-title", title)
    project = api.project(title)
    tasks = api.tasks(project["id"])
    expected = _expected_queues(warehouse)
    # Every project once, in its highest-priority queue: as many tasks as distinct projects.
    assert len(tasks) == len(expected) and _queues_in_label_studio(tasks) == expected
    assert _summary(first.stdout) == {
        "after": len(expected), "created": len(expected), "moved": 0, "updated": 0, "unchanged": 0,
        "kept": 0, "foreign": 0, "closed": 0, "before": 0,
    }  # fmt: skip
    with duckdb.connect(str(warehouse), read_only=True) as con:
        kept_tag = con.execute("select min(tag) from marts.tag_frequencies where is_kept").fetchone()[0]

    # Changes: a duplicate `new` task of a suggestions project (as older pushes left them), never annotated;
    # three `new` tasks annotated to completion (one annotator each), one in progress (it needs two).
    # (Importing makes Label Studio deal the overlap cohort again, so the duplicate comes first.)
    suggestion = next(t for t in tasks if t["data"]["queue"] == "suggestions")
    duplicate_data = {**suggestion["data"], "queue": "new", "tagifai_key": f"{suggestion['data']['project_id']}:new"}
    api("POST", f"/api/projects/{project['id']}/import", json=[{"data": duplicate_data}])
    annotator = api.user("queue_annotator")
    new_tasks = sorted((t for t in api.tasks(project["id"]) if t["data"]["queue"] == "new"), key=lambda t: t["id"])
    new_tasks = [t for t in new_tasks if t["data"]["tagifai_key"] != duplicate_data["tagifai_key"]]
    done = [t for t in new_tasks if t["overlap"] == 1][:3]
    started = next(t for t in new_tasks if t["overlap"] == 2)
    for task in [*done, started]:
        api.annotate(task["id"], annotator, [kept_tag])
    by_id = {t["id"]: t for t in api.tasks(project["id"])}
    assert all(by_id[t["id"]]["is_labeled"] for t in done) and not by_id[started["id"]]["is_labeled"]

    _annotate_cli(label_studio, warehouse, "pull", "--project-title", title)
    run_dbt(warehouse, "build")
    _drop_issue_marts(warehouse)
    # Two more changes in the marts: an annotated project now has a disagreement (a new task for it, its
    # old one kept), and an untouched `new` project gets a suggestion (its task moves).
    disputed = done[0]["data"]["project_id"]
    moving = next(t for t in new_tasks if t not in done and t is not started)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "insert into marts.label_disagreements by name select ? as project_id, ? as tag", [disputed, kept_tag]
        )
        con.execute(
            "insert into marts.tag_suggestions by name select ? as project_id, ? as tag, 1 as n_votes_for",
            [moving["data"]["project_id"], kept_tag],
        )
    second = _annotate_cli(label_studio, warehouse, "push", "--project-title", title)
    counts = _summary(second.stdout)
    after = api.tasks(project["id"])
    kept_ids = {t["id"] for t in done}
    n_before = len(tasks) + 1
    assert counts == {
        "before": n_before,
        "created": 1,  # the disputed project's disagreements task
        "moved": 1,  # new -> suggestions, in place
        "updated": 0,
        "unchanged": n_before - 3 - 1 - 1,  # all but the kept, the moved and the closed duplicate
        "kept": 3,  # the three complete `new` tasks: their projects left the queue
        "foreign": 0,
        "closed": 1,  # the duplicate, deleted
        "after": n_before - 1 + 1,
    }
    assert len(after) == counts["after"]
    assert {t["id"] for t in after} == {t["id"] for t in tasks} | {max(t["id"] for t in after)}
    # The project in progress stays in its queue (pinned) though it is decided now; every other project
    # is in its queue by priority; the kept tasks are the annotated ones.
    now = _expected_queues(warehouse)
    now[started["data"]["project_id"]] = "new"
    assert _queues_in_label_studio(after, kept_ids) == now
    assert now[disputed] == "disagreements" and now[moving["data"]["project_id"]] == "suggestions"
    (moved,) = [t for t in after if t["id"] == moving["id"]]
    assert moved["data"]["tagifai_key"] == f"{moving['data']['project_id']}:suggestions"
    assert len(api("GET", "/api/predictions", params={"task": moving["id"]})) == 1
    # Importing the disagreements task made Label Studio deal the overlap cohort again: it puts annotated
    # tasks in first, so the three complete tasks may need a second annotator now. A task in progress
    # keeps its project in its queue: the third push closes the open tasks (never worked on) of projects
    # now pinned elsewhere, and changes nothing else.
    state = api.tasks(project["id"])
    pinned = {
        t["data"]["project_id"]: t["data"]["queue"] for t in state if t["total_annotations"] and not t["is_labeled"]
    }
    expected_closed = [
        t["id"]
        for t in state
        if not t["total_annotations"] and pinned.get(t["data"]["project_id"], t["data"]["queue"]) != t["data"]["queue"]
    ]
    third = _summary(_annotate_cli(label_studio, warehouse, "push", "--project-title", title).stdout)
    assert (third["created"], third["moved"], third["updated"]) == (0, 0, 0)
    assert third["closed"] == len(expected_closed) and third["before"] == len(state)
    final = api.tasks(project["id"])
    assert third["after"] == len(final) == len(state) - len(expected_closed)
    assert third["kept"] == sum(1 for t in final if t["total_annotations"] and t["is_labeled"])
    open_tasks = [t for t in final if not (t["total_annotations"] and t["is_labeled"])]
    assert max(Counter(t["data"]["project_id"] for t in open_tasks).values()) == 1


def _hand_label_issues(db_path: Path) -> tuple[int, str, bool]:
    """(project, suspected missing tag, whether a build made marts.label_issues). Without the mart, one is
    built by hand, with a label model scoring that project, as issue 30's models would."""
    with duckdb.connect(str(db_path)) as con:
        tables = {
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        if "label_issues" in tables:
            project_id, tag = con.execute(
                "select project_id, tag from marts.label_issues where issue_kind = 'missing' "
                "order by issue_rank limit 1"
            ).fetchone()
            return project_id, tag, True
        project_id, tags = con.execute("select id, tags from marts.labeled_projects order by id limit 1").fetchone()
        tag = con.execute(
            "select min(tag) from marts.tag_frequencies where is_kept and not list_contains(?, tag)", [tags]
        ).fetchone()[0]
        con.execute(
            "create table marts.label_issues (project_id bigint, tag varchar, issue_kind varchar, "
            "label_quality_score double, model_probability double, issue_rank integer)"
        )
        con.execute("insert into marts.label_issues values (?, ?, 'missing', 0.01, 0.95, 1)", [project_id, tag])
        if "label_model" not in tables:
            con.execute(
                "create table marts.label_model (project_id bigint, tag varchar, probability double, "
                "model_version varchar)"
            )
            con.execute("insert into marts.label_model values (?, ?, 0.95, 'hand-made'), (?, ?, 0.9, 'hand-made')",
                        [project_id, tag, project_id, tags[0]])  # fmt: skip
        return project_id, tag, False


def test_a_correction_in_the_label_issues_queue_comes_back_through_pull(label_studio, copy_built) -> None:
    api, title = Api(label_studio), "label-issues"
    warehouse = copy_built("label_issues")
    project_id, missing, built_by_dbt = _hand_label_issues(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (author,) = con.execute("select tags from marts.labeled_projects where id = ?", [project_id]).fetchone()
        model = con.execute(
            "select tag, probability, model_version from marts.label_model where project_id = ?", [project_id]
        ).fetchall()
    _annotate_cli(label_studio, warehouse, "push", "--project-title", title)
    tasks = api.tasks(api.project(title)["id"])
    (task,) = [t for t in tasks if t["data"]["project_id"] == project_id]
    assert task["data"]["queue"] == "label_issues" and f"missing {missing}" in task["data"]["note"]
    (pred,) = api("GET", "/api/predictions", params={"task": task["id"]})
    corrected = sorted({*author, missing})
    assert pred["result"][0]["value"]["choices"] == corrected  # the author's tags plus the suspected one
    assert pred["model_version"] == model[0][2]
    if not built_by_dbt:  # the hand-made label model: the weakest chosen tag's probability
        assert pred["score"] == pytest.approx(0.9)

    reviewer = api.user("issue_reviewer")
    api.annotate(task["id"], reviewer, corrected)
    _annotate_cli(label_studio, warehouse, "pull", "--project-title", title)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        events = con.execute(
            "select annotator, status, tags, queue from raw.annotation_events where project_id = ?", [project_id]
        ).fetchall()
    assert events == [("issue_reviewer@example.org", "labeled", corrected, "label_issues")]
    if built_by_dbt:  # issue 30's models: after a build, the corrected issue is gone
        run_dbt(warehouse, "build")
        with duckdb.connect(str(warehouse), read_only=True) as con:
            left = con.execute(
                "select count(*) from marts.label_issues where project_id = ? and tag = ?", [project_id, missing]
            ).fetchone()[0]
        assert left == 0
