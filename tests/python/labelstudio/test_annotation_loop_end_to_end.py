"""The whole annotation loop of issue 29, in process, with a real Label Studio on loopback and Dagster's sensors
evaluated against a scratch warehouse built from the real 2021-03 data: the `ready_to_annotate` sensor sees
the new projects; `tagifai-annotate push`; two annotators annotate the same tasks through Label Studio's API
with a planned disagreement on one tag; pull and build, and `tagifai-release release` is refused by the
agreement gate; the second annotator updates their annotation to agree; pull and build again;
`ready_for_modeling` fires; the release is cut; and `tagifai.dataset.load()` returns it, equal to the
lesson's dataset. Every expectation comes from the plan below or from the data files, never from tagifai.

It lives beside the other Label Studio tests to share their session's server and built warehouse
(conftest.py); its own Label Studio project title and users keep it apart from them.
"""

import json
import os
import subprocess
from pathlib import Path

import duckdb
import pytest
from release.helpers import release

from oracles.labeling_reference import gold_labels
from oracles.lesson_reference import labeled_projects
from support.commands import BIN, run_dbt
from support.label_studio_api import Api
from support.sensors import tick
from tagifai.dataset import load, versions

# It runs dbt (make test-fast leaves it out).
pytestmark = pytest.mark.dbt

TITLE = "annotation-loop-e2e"
VERSION = "2021-03-annotated"
ANNOTATORS = ("loop_a", "loop_b")


@pytest.fixture(scope="module")
def defs():  # noqa: ANN201
    from tagifai.orchestrate.definitions import defs

    return defs


def _result(choices: list[str]) -> list[dict]:
    return [{"from_name": "tags", "to_name": "text", "type": "choices", "value": {"choices": choices}}]


def _annotate_cli(label_studio, warehouse: Path, command: str, *args: str) -> subprocess.CompletedProcess:
    url, token_file = label_studio
    env = {**os.environ, "TAGIFAI_LABEL_STUDIO_URL": url, "TAGIFAI_LABEL_STUDIO_TOKEN_FILE": str(token_file)}
    env.pop("TAGIFAI_LABEL_STUDIO_TOKEN", None)
    result = subprocess.run(
        [str(BIN / "tagifai-annotate"), "--duckdb-path", str(warehouse), command, "--project-title", TITLE, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _pull_and_build(label_studio, warehouse: Path) -> None:
    _annotate_cli(label_studio, warehouse, "pull")
    run_dbt(warehouse, "build")


def test_new_projects_are_annotated_settled_released_and_loaded(
    defs, label_studio, copy_built, real_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = copy_built("annotation_loop")
    releases = tmp_path / "releases"
    api = Api(label_studio)
    monkeypatch.setenv("TAGIFAI_DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("TAGIFAI_LABEL_STUDIO_URL", label_studio[0])

    # 1. Nobody has annotated anything yet: every project of the file awaits annotation, and the sensor
    # starts a push once that many are waiting.
    n_projects = len({p["id"] for p in json.loads((real_data_dir / "projects.json").read_text(encoding="utf-8"))})
    monkeypatch.setenv("TAGIFAI_ANNOTATE_MIN_PROJECTS", str(n_projects + 1))
    waiting = tick(defs, "ready_to_annotate")
    assert waiting.run_requests == []
    assert f"{n_projects} projects await annotation, fewer than {n_projects + 1}" in waiting.skip_message
    monkeypatch.setenv("TAGIFAI_ANNOTATE_MIN_PROJECTS", str(n_projects))
    fired = tick(defs, "ready_to_annotate")
    assert [request.tags["tagifai/awaiting"] for request in fired.run_requests] == [str(n_projects)]

    # 2. Push: the `new` queue holds the projects nobody has decided on.
    _annotate_cli(label_studio, warehouse, "push", "--limit", "3")
    new = sorted(
        (t["id"], t["data"]["project_id"]) for t in api.tasks(api.project(TITLE)["id"]) if t["data"]["queue"] == "new"
    )
    assert len(new) == 3
    (agreed_task, agreed_project), (disputed_task, disputed_project) = new[:2]

    # 3. Two annotators annotate the same two tasks; they agree on x everywhere, and disagree on y once.
    _, kept = gold_labels(real_data_dir)
    x, y = sorted(kept)[:2]
    users = {name: api.user(name) for name in ANNOTATORS}
    plan = {agreed_task: {"loop_a": [x], "loop_b": [x]}, disputed_task: {"loop_a": [x, y], "loop_b": [x]}}
    posted = {
        (task, name): api.annotate(task, users[name], choices)
        for task, by_name in plan.items()
        for name, choices in by_name.items()
    }

    # 4. Pull and build: the sensors see the two decided projects, and the disagreement on y (one of the two
    # shared projects) blocks both the sensor and the release's agreement gate.
    _pull_and_build(label_studio, warehouse)
    monkeypatch.setenv("TAGIFAI_ANNOTATE_MIN_PROJECTS", "1")
    (still_waiting,) = tick(defs, "ready_to_annotate").run_requests
    assert still_waiting.tags["tagifai/awaiting"] == str(n_projects - 2)
    blocked = tick(defs, "ready_for_modeling")
    assert blocked.run_requests == []
    assert f"annotators disagree above max_discrepancy_rate on {y} in " in blocked.skip_message
    refused = release(warehouse, releases, "--version", VERSION)
    assert refused.returncode != 0
    assert f"gate annotator_discrepancy failed (worst tag {1 / 2:.4f}" in refused.stderr, refused.stderr
    assert refused.stderr.count("failed (") == 1, refused.stderr  # no other gate
    assert versions(releases) == []

    # 5. The second annotator updates their annotation of the disputed task to agree; pull and build again.
    plan[disputed_task]["loop_b"] = [x, y]
    api("PATCH", f"/api/annotations/{posted[(disputed_task, 'loop_b')]}", json={"result": _result([x, y])})
    _pull_and_build(label_studio, warehouse)

    # 6. The annotations changed and agree: ready_for_modeling asks for one run.
    ready = tick(defs, "ready_for_modeling", cursor=blocked.cursor)
    assert len(ready.run_requests) == 1, ready.skip_message

    # 7. The release is cut.
    cut = release(warehouse, releases, "--version", VERSION)
    assert cut.returncode == 0, cut.stderr

    # 8. load() returns it: the lesson's dataset, computed by its pandas code from the files.
    monkeypatch.setenv("TAGIFAI_RELEASE_DIR", str(releases))
    assert versions() == [VERSION]
    df = load()
    expected, _ = labeled_projects(real_data_dir)
    assert [(int(r.id), list(r.tags)) for r in df.itertuples()] == sorted(
        (int(r.id), list(r.tags)) for r in expected.itertuples()
    )
    # What the warehouse built on: each annotator's latest decision, as planned (the update replaced the first).
    with duckdb.connect(str(warehouse), read_only=True) as con:
        built = con.execute(
            "select annotator, project_id, tag from intermediate.int_annotator_decisions_expanded where is_tagged"
        ).fetchall()
    projects = {agreed_task: agreed_project, disputed_task: disputed_project}
    assert sorted(built) == sorted(
        (f"{name}@example.org", projects[task], tag)
        for task, by_name in plan.items()
        for name, choices in by_name.items()
        for tag in choices
    )
