"""An independent Python computation of the labeling-function marts: the seed's rules run with Python's
`re` over the JSON files, the dataset taken from the lesson's pandas code, and Snorkel's LFAnalysis
definitions computed on a label matrix per tag (as Snorkel's numpy code does), not from the warehouse."""

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from oracles.lesson_reference import labeled_projects

ABSTAIN = -1
SEED = Path(__file__).resolve().parents[3] / "seeds" / "labeling_functions.csv"


@dataclass(frozen=True)
class LabelingFunction:
    name: str
    tag: str
    label: int
    regex: re.Pattern[str]


def labeling_functions(seed: Path = SEED) -> list[LabelingFunction]:
    functions = []
    with seed.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            pattern = row["pattern"]
            if row["kind"] == "keyword":
                pattern = "(^|[^0-9A-Za-z])" + re.escape(pattern) + "([^0-9A-Za-z]|$)"
            flags = 0 if row["is_case_sensitive"] == "true" else re.IGNORECASE
            functions.append(
                LabelingFunction(row["lf_name"], row["tag"], int(row["label"]), re.compile(pattern, flags))
            )
    return functions


def project_texts(data_dir: Path) -> dict[int, str]:
    projects = json.loads((data_dir / "projects.json").read_text(encoding="utf-8"))
    return {int(p["id"]): p["title"] + " " + p["description"] for p in projects}


def gold_labels(data_dir: Path, min_tag_freq: int = 30) -> tuple[dict[int, set[str]], set[str]]:
    """(dataset project id -> its kept tags, the kept tags), from the lesson's own code."""
    df, counter = labeled_projects(data_dir, min_tag_freq)
    return {int(row.id): set(row.tags) for row in df.itertuples()}, set(counter)


def votes(data_dir: Path, functions: list[LabelingFunction]) -> dict[tuple[int, str], int]:
    """(project id, function name) -> label, for every function that fires."""
    texts = project_texts(data_dir)
    return {
        (project_id, lf.name): lf.label
        for project_id, text in texts.items()
        for lf in functions
        if lf.regex.search(text)
    }


def lf_summary(
    fired: dict[tuple[int, str], int], functions: list[LabelingFunction], gold: dict[int, set[str]]
) -> dict[str, dict[str, object]]:
    """Snorkel's lf_summary per function, one label matrix per tag over the dataset's projects."""
    project_ids = sorted(gold)
    summary = {}
    for tag in sorted({lf.tag for lf in functions}):
        columns = [lf for lf in functions if lf.tag == tag]
        L = np.full((len(project_ids), len(columns)), ABSTAIN)
        for i, project_id in enumerate(project_ids):
            for j, lf in enumerate(columns):
                L[i, j] = fired.get((project_id, lf.name), ABSTAIN)
        Y = np.array([1 if tag in gold[project_id] else 0 for project_id in project_ids])
        labeled = L != ABSTAIN
        overlapped_rows = labeled.sum(axis=1) > 1
        distinct_labels = np.array([len(set(row[row != ABSTAIN])) for row in L])
        conflicted_rows = distinct_labels > 1
        n = len(project_ids)
        for j, lf in enumerate(columns):
            covered = int(labeled[:, j].sum())
            overlaps = int((labeled[:, j] & overlapped_rows).sum())
            conflicts = int((labeled[:, j] & conflicted_rows).sum())
            correct = int((labeled[:, j] & (L[:, j] == Y)).sum())
            incorrect = int((labeled[:, j] & (L[:, j] != Y)).sum())
            polarity = sorted(set(L[labeled[:, j], j].tolist()))
            summary[lf.name] = {
                "tag": tag,
                "label": lf.label,
                "polarity": "[" + ", ".join(str(p) for p in polarity) + "]",
                "n_projects": n,
                "n_covered": covered,
                "coverage": covered / n,
                "n_overlaps": overlaps,
                "overlap_fraction": overlaps / n,
                "n_conflicts": conflicts,
                "conflict_fraction": conflicts / n,
                "correct": correct,
                "incorrect": incorrect,
                "empirical_accuracy": correct / (correct + incorrect) if covered else None,
            }
    return summary
