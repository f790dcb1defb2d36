"""What a push changes in Label Studio: the tasks there now against the tasks the warehouse wants.

Every task of the project lands in exactly one group, so the groups add up to what Label Studio holds
before the push (all but `created`) and after it (all but `closed`):

- created:   a project the warehouse queues and Label Studio has no task for;
- moved:     a task nobody annotated whose project is now in another queue: updated in place;
- updated:   the project's task in the same queue, with a changed text or pre-annotation;
- unchanged: the project's task in the same queue, as it should be;
- closed:    a task nobody annotated whose project is in no queue any more (or a duplicate): deleted;
- kept:      an annotated task whose project left its queue: it stays for its annotations, out of the
             queues (Label Studio no longer serves it once it has its annotations);
- foreign:   a task push did not create (no data.tagifai_key): left alone.

A task in progress (annotated, not yet complete: Label Studio's is_labeled is false) pins its project to
its queue (`pinned`), so an annotator who started it finishes it and the project gets no second task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KEY = "tagifai_key"


def _data(task: dict[str, Any]) -> dict[str, Any]:
    data = task.get("data")
    return data if isinstance(data, dict) else {}


def is_ours(task: dict[str, Any]) -> bool:
    return isinstance(_data(task).get(KEY), str) and "project_id" in _data(task)


def is_annotated(task: dict[str, Any]) -> bool:
    """Someone submitted or skipped an annotation, or left a draft: deleting it would lose work."""
    drafts = task.get("drafts")
    return (
        int(task.get("total_annotations") or 0) + int(task.get("cancelled_annotations") or 0) > 0
        or (isinstance(drafts, list) and len(drafts) > 0)
        or bool(task.get("annotations"))
    )


def in_progress(task: dict[str, Any]) -> bool:
    return is_annotated(task) and not task.get("is_labeled")


def pinned(existing: list[dict[str, Any]]) -> dict[int, str]:
    """Project -> queue of its task in progress (the lowest task id when a project has several)."""
    found: dict[int, str] = {}
    for task in sorted(existing, key=lambda t: t["id"]):
        if is_ours(task) and in_progress(task):
            found.setdefault(int(_data(task)["project_id"]), str(_data(task).get("queue")))
    return found


@dataclass
class Plan:
    """The groups of the module docstring: task bodies to create, (task id, body) to move or update, ids."""

    created: list[dict[str, Any]] = field(default_factory=list)
    moved: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    updated: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)
    foreign: list[int] = field(default_factory=list)

    @property
    def n_before(self) -> int:
        return (
            len(self.moved)
            + len(self.updated)
            + len(self.unchanged)
            + len(self.closed)
            + len(self.kept)
            + len(self.foreign)
        )

    @property
    def n_after(self) -> int:
        return self.n_before - len(self.closed) + len(self.created)

    def summary(self) -> str:
        return (
            f"{self.n_after} tasks in Label Studio = {len(self.created)} created + {len(self.moved)} moved + "
            f"{len(self.updated)} updated + {len(self.unchanged)} unchanged + {len(self.kept)} kept "
            f"(annotated, out of the queues) + {len(self.foreign)} not made by tagifai; "
            f"{len(self.closed)} closed (never annotated, deleted); {self.n_before} before"
        )


def plan(existing: list[dict[str, Any]], desired: list[dict[str, Any]]) -> Plan:
    """Match the tasks in Label Studio (`existing`, as the tasks API lists them) with the `desired` ones
    (one per project, from build_tasks)."""
    result = Plan()
    by_key: dict[str, list[dict[str, Any]]] = {}
    for task in sorted(existing, key=lambda t: t["id"]):
        if is_ours(task):
            by_key.setdefault(_data(task)[KEY], []).append(task)
        else:
            result.foreign.append(task["id"])
    matched: set[int] = set()
    unmatched_desired = []
    for body in desired:
        same = by_key.get(body["data"][KEY], [])
        if not same:
            unmatched_desired.append(body)
            continue
        # Duplicates of one key (an older push): the annotated one, else the oldest, carries the key.
        task = next((t for t in same if is_annotated(t)), same[0])
        matched.add(task["id"])
        if _data(task).get("tagifai_hash") == body["data"]["tagifai_hash"]:
            result.unchanged.append(task["id"])
        else:
            result.updated.append((task["id"], body))
    # A project's unannotated task in another queue moves to the project's queue now.
    movable: dict[int, list[dict[str, Any]]] = {}
    for tasks in by_key.values():
        for task in tasks:
            if task["id"] not in matched and not is_annotated(task):
                movable.setdefault(int(_data(task)["project_id"]), []).append(task)
    for body in unmatched_desired:
        spare = movable.get(int(body["data"]["project_id"]))
        if spare:
            task = spare.pop(0)
            matched.add(task["id"])
            result.moved.append((task["id"], body))
        else:
            result.created.append(body)
    for tasks in by_key.values():
        for task in tasks:
            if task["id"] in matched:
                continue
            (result.kept if is_annotated(task) else result.closed).append(task["id"])
    return result
