"""What changed between two releases: projects added and removed, tag lists changed, tags added and dropped,
per-tag count deltas, and projects whose text changed with the same tags."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

from tagifai.release.store import AUTHOR_TAGS_FILE, find, verified_file, verify


def _rows(root: Path, version: str) -> tuple[dict[int, tuple[list[str], str, Any]], dict[int, list[str]]]:
    """(labeled rows by id: tags, text, created_on; every loaded project's author tags by id)."""
    release = find(root, version)
    con = verify(release)
    try:
        rows = con.execute("select id, tags, text, created_on from release").fetchall()
        labeled = {row[0]: (list(row[1]), row[2], row[3]) for row in rows}
    finally:
        con.close()
    with duckdb.connect() as con:
        authored = con.read_parquet(str(verified_file(release, AUTHOR_TAGS_FILE))).fetchall()
    return labeled, {row[0]: list(row[1]) for row in authored}


def diff_releases(root: Path, before: str, after: str) -> dict[str, Any]:
    """The differences from release `before` to release `after` (both verified first)."""
    (old, old_authored), (new, new_authored) = _rows(root, before), _rows(root, after)
    old_counts = Counter(tag for row in old.values() for tag in row[0])
    new_counts = Counter(tag for row in new.values() for tag in row[0])
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
        "created_on_changed": [project_id for project_id in common if old[project_id][2] != new[project_id][2]],
        # Source changes the labeling rules may filter out (a tag outside the taxonomy changes no label).
        "author_tags_changed": [
            {
                "id": project_id,
                "removed": [tag for tag in old_authored[project_id] if tag not in new_authored[project_id]],
                "added": [tag for tag in new_authored[project_id] if tag not in old_authored[project_id]],
                "labels_changed": project_id in old and project_id in new and old[project_id][0] != new[project_id][0],
            }
            for project_id in sorted(old_authored.keys() & new_authored.keys())
            if old_authored[project_id] != new_authored[project_id]
        ],
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
    lines.append(f"projects whose text changed ({len(diff['text_changed'])})")
    lines.append(f"projects whose created_on changed ({len(diff['created_on_changed'])})")
    lines.append(f"projects whose author tags changed in the source ({len(diff['author_tags_changed'])}):")
    lines.extend(
        f"  {change['id']}: -{change['removed']} +{change['added']}"
        + ("" if change["labels_changed"] else " (labels unchanged)")
        for change in diff["author_tags_changed"]
    )
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
