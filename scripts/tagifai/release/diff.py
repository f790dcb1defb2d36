"""What changed between two releases: projects added and removed, tag lists changed, tags added and dropped,
per-tag count deltas, and projects whose text changed with the same tags."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from tagifai.release.store import find, verify


def _rows(root: Path, version: str) -> dict[int, tuple[list[str], str]]:
    con = verify(find(root, version))
    try:
        return {row[0]: (list(row[1]), row[2]) for row in con.execute("select id, tags, text from release").fetchall()}
    finally:
        con.close()


def diff_releases(root: Path, before: str, after: str) -> dict[str, Any]:
    """The differences from release `before` to release `after` (both verified first)."""
    old, new = _rows(root, before), _rows(root, after)
    old_counts = Counter(tag for tags, _ in old.values() for tag in tags)
    new_counts = Counter(tag for tags, _ in new.values() for tag in tags)
    common = sorted(old.keys() & new.keys())
    return {
        "before": before,
        "after": after,
        "projects_added": sorted(new.keys() - old.keys()),
        "projects_removed": sorted(old.keys() - new.keys()),
        "tags_changed": [
            {"id": project_id, "before": old[project_id][0], "after": new[project_id][0]}
            for project_id in common
            if old[project_id][0] != new[project_id][0]
        ],
        "text_changed": [project_id for project_id in common if old[project_id][1] != new[project_id][1]],
        "tags_added": sorted(new_counts.keys() - old_counts.keys()),
        "tags_dropped": sorted(old_counts.keys() - new_counts.keys()),
        "tag_count_deltas": {
            tag: new_counts[tag] - old_counts[tag]
            for tag in sorted(old_counts.keys() | new_counts.keys())
            if new_counts[tag] != old_counts[tag]
        },
    }


def format_diff(diff: dict[str, Any]) -> str:
    lines = [f"release diff {diff['before']} -> {diff['after']}"]
    lines.append(f"projects added ({len(diff['projects_added'])}): {_ids(diff['projects_added'])}")
    lines.append(f"projects removed ({len(diff['projects_removed'])}): {_ids(diff['projects_removed'])}")
    lines.append(f"projects whose tags changed ({len(diff['tags_changed'])}):")
    lines.extend(f"  {change['id']}: {change['before']} -> {change['after']}" for change in diff["tags_changed"])
    lines.append(f"projects whose text changed, tags unchanged or not ({len(diff['text_changed'])})")
    lines.append(f"tags added: {', '.join(diff['tags_added']) or '-'}")
    lines.append(f"tags dropped: {', '.join(diff['tags_dropped']) or '-'}")
    lines.append("tag count deltas:")
    lines.extend(f"  {tag}: {delta:+d}" for tag, delta in diff["tag_count_deltas"].items())
    return "\n".join(lines)


def _ids(ids: list[int], shown: int = 20) -> str:
    if not ids:
        return "-"
    more = f" ... (+{len(ids) - shown})" if len(ids) > shown else ""
    return ", ".join(map(str, ids[:shown])) + more
