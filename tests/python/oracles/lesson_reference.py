"""The annotation lesson's pandas code, kept as close to the original as possible: the oracle that
the dbt models must match row for row. Independent of the warehouse: it reads the JSON files itself."""

import itertools
import json
from collections import Counter
from pathlib import Path

import pandas as pd

EXCLUDE = [
    "machine-learning",
    "deep-learning",
    "data-science",
    "neural-networks",
    "python",
    "r",
    "visualization",
]


def filter(items: list[str], include: list[str] | None = None, exclude: list[str] | None = None) -> list[str]:  # noqa: A001
    """Filter a list using inclusion and exclusion lists of items (the lesson's helper)."""
    include = include or []
    exclude = exclude or []
    return [item for item in items if item in include and item not in exclude]


def labeled_projects(
    data_dir: Path, min_tag_freq: int = 30, exclude: list[str] = EXCLUDE
) -> tuple[pd.DataFrame, Counter]:
    """(the final DataFrame with id, text, tags; the Counter of tags above the threshold)."""
    projects = json.loads((data_dir / "projects.json").read_text(encoding="utf-8"))
    tags_dict = {item.pop("tag"): item for item in json.loads((data_dir / "tags.json").read_text())}
    df = pd.DataFrame(projects)
    df["text"] = df.title + " " + df.description

    include = list(tags_dict.keys())
    df.tags = df.tags.apply(filter, include=include, exclude=exclude)
    tags = Counter(itertools.chain.from_iterable(df.tags.values))

    tags_above_freq = Counter(tag for tag in tags.elements() if tags[tag] >= min_tag_freq)
    df.tags = df.tags.apply(filter, include=list(tags_above_freq.keys()))
    df = df[df.tags.map(len) > 0]
    return df, tags_above_freq
