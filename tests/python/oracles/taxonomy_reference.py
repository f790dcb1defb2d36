"""An independent pandas-free reading of the two labeling options, for parity tests: alias resolution
(`resolve_aliases`) and parent expansion (`expand_parents`), followed by the lesson's filter and
threshold (lesson_reference). Reads the JSON files itself, never the warehouse."""

import json
from collections import Counter
from pathlib import Path

from oracles.lesson_reference import EXCLUDE

MAX_PARENT_DEPTH = 6


def _taxonomy(data_dir: Path) -> tuple[dict[str, dict], dict[str, str]]:
    """(tag -> entry, alias -> canonical tag for aliases owned by one tag and not tags themselves)."""
    entries = {item["tag"]: item for item in json.loads((data_dir / "tags.json").read_text(encoding="utf-8"))}
    owners = Counter(alias for item in entries.values() for alias in set(item["aliases"]))
    alias_map = {
        alias: tag
        for tag, item in entries.items()
        for alias in item["aliases"]
        if owners[alias] == 1 and alias not in entries
    }
    return entries, alias_map


def resolve(tags: list[str], alias_map: dict[str, str]) -> list[str]:
    """Aliases become their tag, unless the project already has that tag (author's or an earlier alias)."""
    written = {tag for tag in tags if tag not in alias_map}
    out: list[str] = []
    for tag in tags:
        if tag not in alias_map:
            out.append(tag)
            continue
        canonical = alias_map[tag]
        if canonical not in written and canonical not in out:
            out.append(canonical)
    return out


def ancestors(tag: str, parents: dict[str, list[str]]) -> list[tuple[int, str]]:
    """(depth, ancestor) reachable from `tag`, shortest depth first, then by name; the tag itself excluded."""
    found: dict[str, int] = {}
    frontier = [tag]
    for depth in range(1, MAX_PARENT_DEPTH + 1):
        frontier = [parent for node in frontier for parent in parents.get(node, [])]
        for parent in frontier:
            found.setdefault(parent, depth)
    found.pop(tag, None)
    return sorted((depth, name) for name, depth in found.items())


def expand(tags: list[str], parents: dict[str, list[str]], taxonomy: set[str]) -> list[str]:
    """Append each taxonomy ancestor the project lacks, once, in child order then depth then name."""
    out = list(tags)
    for tag in tags:
        for _, ancestor in ancestors(tag, parents):
            if ancestor in taxonomy and ancestor not in out:
                out.append(ancestor)
    return out


def labeled_projects(
    data_dir: Path, min_tag_freq: int = 30, *, resolve_aliases: bool = False, expand_parents: bool = False
) -> dict[int, list[str]]:
    """{project id: labels} after the options and the lesson's filter and threshold."""
    entries, alias_map = _taxonomy(data_dir)
    parents = {
        tag: [alias_map.get(parent, parent) if resolve_aliases else parent for parent in item["parents"]]
        for tag, item in entries.items()
    }
    projects = json.loads((data_dir / "projects.json").read_text(encoding="utf-8"))
    labels: dict[int, list[str]] = {}
    for project in projects:
        tags = list(project["tags"])
        if resolve_aliases:
            tags = resolve(tags, alias_map)
        if expand_parents:
            tags = expand(tags, parents, set(entries))
        labels[project["id"]] = [tag for tag in tags if tag in entries and tag not in EXCLUDE]
    counts = Counter(tag for tags in labels.values() for tag in tags)
    kept = {tag for tag, n in counts.items() if n >= min_tag_freq}
    result = {pid: [tag for tag in tags if tag in kept] for pid, tags in labels.items()}
    return {pid: tags for pid, tags in result.items() if tags}


def taxonomy_issues(data_dir: Path) -> set[tuple[str, str, str]]:
    """(issue type, tag, related name) for the alias and cycle problems of tags.json: an alias that is also a
    tag, an alias that more than one tag lists, a tag that is its own ancestor (within MAX_PARENT_DEPTH)."""
    entries = {item["tag"]: item for item in json.loads((data_dir / "tags.json").read_text(encoding="utf-8"))}
    listed_by: dict[str, set[str]] = {}
    for tag, item in entries.items():
        for alias in item["aliases"]:
            listed_by.setdefault(alias, set()).add(tag)
    issues = {("alias_is_a_tag", tag, alias) for alias, tags in listed_by.items() if alias in entries for tag in tags}
    issues |= {("alias_shared", tag, alias) for alias, tags in listed_by.items() if len(tags) > 1 for tag in tags}
    parents = {tag: list(item["parents"]) for tag, item in entries.items()}
    for tag in entries:
        reached: set[str] = set()
        frontier = [tag]
        for _ in range(MAX_PARENT_DEPTH):
            frontier = [parent for node in frontier for parent in parents.get(node, [])]
            reached.update(frontier)
        if tag in reached:
            issues.add(("parent_cycle", tag, tag))
    return issues


def known_tag_names(data_dir: Path) -> set[str]:
    """Taxonomy tags and the aliases exactly one tag lists: every other project tag is an unknown tag."""
    entries = json.loads((data_dir / "tags.json").read_text(encoding="utf-8"))
    listed = Counter(alias for item in entries for alias in set(item["aliases"]))
    return {item["tag"] for item in entries} | {alias for alias, n in listed.items() if n == 1}
