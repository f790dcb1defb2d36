"""The annotation loop with a real Label Studio on loopback: push tasks, annotate them as 3 users through
the API (planned disagreements, a skip, a no-tag annotation, an annotation redone), pull, build, and
compare annotator_agreement and label_disagreements with scikit-learn, statsmodels and a direct count
over the plan; pushing again creates no duplicate task, and a changed task is updated in place."""

import itertools
import math
import os
import subprocess
from collections import Counter
from pathlib import Path

import duckdb
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa

from oracles.labeling_reference import gold_labels
from support.commands import BIN, run_dbt
from support.label_studio_api import Api

# It runs dbt (make test-fast leaves it out).
pytestmark = pytest.mark.dbt

SKIP = "skip"
ALL = "all tags"


@pytest.fixture(scope="module")
def warehouse(copy_built) -> Path:
    """The real projects, no annotations yet, built: this module's own copy."""
    return copy_built("round_trip")


def _annotate(label_studio, warehouse: Path, *args: str, bearer: str | None = None) -> subprocess.CompletedProcess:
    url, token_file = label_studio
    env = {**os.environ, "TAGIFAI_LABEL_STUDIO_URL": url, "TAGIFAI_LABEL_STUDIO_TOKEN_FILE": str(token_file)}
    env.pop("TAGIFAI_LABEL_STUDIO_TOKEN", None)
    if bearer is not None:
        env["TAGIFAI_LABEL_STUDIO_TOKEN"] = bearer
    command, *rest = args
    return subprocess.run(
        [str(BIN / "tagifai-annotate"), "--duckdb-path", str(warehouse), command, *rest],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def _close(actual: float | None, expected: float) -> bool:
    if math.isnan(expected):
        return actual is None
    return actual is not None and abs(actual - expected) <= 1e-9


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::sklearn.exceptions.UndefinedMetricWarning")
def test_push_annotate_pull_build_and_push_again(label_studio, warehouse: Path, real_data_dir: Path) -> None:
    api = Api(label_studio)
    _, kept = gold_labels(real_data_dir)
    x, y = sorted(kept)[:2]

    # A server with a wrong token: a one-line error that does not show the token, and nothing is created.
    refused = _annotate(label_studio, warehouse, "push", "--limit", "5", bearer="wrong-token-1234")
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and "refused" in refused.stderr
    assert "wrong-token-1234" not in refused.stderr + refused.stdout
    assert all(p["title"] != "tagifai" for p in api("GET", "/api/projects")["results"])

    pushed = _annotate(label_studio, warehouse, "push", "--limit", "5")
    assert pushed.returncode == 0, pushed.stderr
    project = next(p for p in api("GET", "/api/projects")["results"] if p["title"] == "tagifai")
    tasks = api.tasks(project["id"])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        versions = {
            v
            for (v,) in con.execute(
                "select max(functions_version) from intermediate.int_labeling_functions_fired"
            ).fetchall()
        }
        issue_marts = {t for (t,) in con.execute("select table_name from information_schema.tables").fetchall()}
        if "label_model" in issue_marts:
            versions |= {v for (v,) in con.execute("select distinct model_version from marts.label_model").fetchall()}
        n_issues = (
            con.execute("select count(distinct project_id) from marts.label_issues").fetchone()[0]
            if "label_issues" in issue_marts
            else 0
        )
    expected_queues = {"new": 5, "suggestions": 5, **({"label_issues": min(5, n_issues)} if n_issues else {})}
    assert Counter(t["data"]["queue"] for t in tasks) == expected_queues
    for task in tasks:
        (pred,) = api("GET", "/api/predictions", params={"task": task["id"]})
        assert pred["model_version"] in versions
        assert all(set(r["value"]["choices"]) <= kept for r in pred["result"])

    users = {
        name: api("POST", "/api/users/", json={"email": f"{name}@example.org", "username": name})["id"]
        for name in ("ann_a", "ann_b", "ann_c")
    }
    new = {t["id"]: t["data"]["project_id"] for t in tasks if t["data"]["queue"] == "new"}
    t1, t2, t3, t4, t5 = new
    # The plan: the latest annotation of each user per task, in order (a list of several: redone).
    plan = {
        t1: {"ann_a": [[x]], "ann_b": [[x]], "ann_c": [[x]]},
        t2: {"ann_a": [[x, y]], "ann_b": [[x]], "ann_c": [[y]]},
        t3: {"ann_a": [[]], "ann_b": [[]], "ann_c": [[x]]},  # two "seen, no tag applies"
        t4: {"ann_a": [[x]], "ann_c": [SKIP]},  # a skip is no decision: t4 is not shared
        t5: {"ann_a": [[y], [x]], "ann_b": [[x]], "ann_c": [[x]]},  # ann_a changed their mind
    }
    for task, by_user in plan.items():
        for name, annotations in by_user.items():
            for choices in annotations:
                skipped = choices == SKIP
                result = (
                    []
                    if skipped or not choices
                    else [{"from_name": "tags", "to_name": "text", "type": "choices", "value": {"choices": choices}}]
                )
                api(
                    "POST",
                    f"/api/tasks/{task}/annotations",
                    json={"result": result, "completed_by": users[name], "was_cancelled": skipped},
                )

    pulled = _annotate(label_studio, warehouse, "pull")
    assert pulled.returncode == 0, pulled.stderr
    run_dbt(warehouse, "build")

    # The independent computation: each annotator's last planned annotation, skips left out.
    final = {
        (name, new[task]): annotations[-1] for task, by_user in plan.items() for name, annotations in by_user.items()
    }
    decided = {key: set(choices) for key, choices in final.items() if choices != SKIP}
    raters = Counter(project_id for _, project_id in decided)
    shared = {project_id for project_id, n in raters.items() if n >= 2}
    assert len(shared) == 4
    table = {
        tag: {
            name: {p: int(tag in tags) for (n, p), tags in decided.items() if n == name and p in shared}
            for name in users
        }
        for tag in sorted(kept)
    }
    pooled = {name: {(p, tag): table[tag][name][p] for tag in table for p in table[tag][name]} for name in users}
    groups = {**table, ALL: pooled}

    with duckdb.connect(str(warehouse), read_only=True) as con:
        events = con.execute("select annotator, status from raw.annotation_events").fetchall()
        agreement = con.execute(
            "select tag, comparison, annotator_a, annotator_b, n_items, n_disagreements, kappa "
            "from marts.annotator_agreement"
        ).fetchall()
        disagreements = con.execute(
            "select project_id, tag, annotators_tagged, annotators_not_tagged from marts.label_disagreements"
        ).fetchall()
    assert ("ann_c@example.org", "skipped") in events and ("ann_a@example.org", "no_tag") in events

    emails = {name: f"{name}@example.org" for name in users}
    pairs = {(r[0], r[2], r[3]): r[4:] for r in agreement if r[1] == "pair"}
    fleiss = {r[0]: r[4:] for r in agreement if r[1] == "all annotators"}
    expected_pairs = set()
    for tag, by_name in groups.items():
        for a, b in itertools.combinations(sorted(users), 2):
            items = sorted(set(by_name[a]) & set(by_name[b]), key=str)
            y_a, y_b = [by_name[a][i] for i in items], [by_name[b][i] for i in items]
            n_items, n_disagreements, kappa = pairs[(tag, emails[a], emails[b])]
            assert (n_items, n_disagreements) == (len(items), sum(p != q for p, q in zip(y_a, y_b, strict=True)))
            assert _close(kappa, float(cohen_kappa_score(y_a, y_b, labels=[0, 1]))), (tag, a, b)
            expected_pairs.add((tag, emails[a], emails[b]))
        items = sorted({i for answers in by_name.values() for i in answers}, key=str)
        counts = np.array([[sum(by_name[n][i] for n in users)] for i in items], dtype=float)
        matrix = np.hstack([3 - counts, counts])
        n_items, n_disagreements, kappa = fleiss[tag]
        assert (n_items, n_disagreements) == (len(items), int(((counts > 0) & (counts < 3)).sum()))
        assert _close(kappa, float(fleiss_kappa(matrix, method="fleiss"))), tag
    assert set(pairs) == expected_pairs and set(fleiss) == set(groups)

    expected_disagreements = {
        (p, tag): (
            sorted(emails[n] for n in users if table[tag][n][p]),
            sorted(emails[n] for n in users if not table[tag][n][p]),
        )
        for tag in table
        for p in shared
        if 0 < sum(table[tag][n][p] for n in users) < 3
    }
    assert {(p, tag): (list(a), list(b)) for p, tag, a, b in disagreements} == expected_disagreements
    assert (new[t3], x) in expected_disagreements  # the no-tag annotations count as "no"

    # Push again: new tasks only for what is new (the disagreements queue, the next unseen projects) ...
    again = _annotate(label_studio, warehouse, "push", "--limit", "5")
    assert again.returncode == 0, again.stderr
    after = api.tasks(project["id"])
    keys = Counter(t["data"]["tagifai_key"] for t in after)
    assert max(keys.values()) == 1
    assert {t["data"]["tagifai_key"] for t in tasks} <= set(keys)
    assert any(k.endswith(":disagreements") for k in keys)
    # ... a third push changes nothing, and a task whose content changed is updated, not duplicated.
    assert "0 created + 0 moved + 0 updated" in _annotate(label_studio, warehouse, "push", "--limit", "5").stdout
    stale = next(t for t in after if t["data"]["queue"] == "suggestions")
    api("PATCH", f"/api/tasks/{stale['id']}", json={"data": {**stale["data"], "tagifai_hash": "stale"}})
    updated = _annotate(label_studio, warehouse, "push", "--limit", "5")
    assert "0 created + 0 moved + 1 updated" in updated.stdout, updated.stdout + updated.stderr
    final_tasks = api.tasks(project["id"])
    assert len(final_tasks) == len(after)
    (fixed,) = [t for t in final_tasks if t["id"] == stale["id"]]
    assert fixed["data"]["tagifai_hash"] == stale["data"]["tagifai_hash"]
