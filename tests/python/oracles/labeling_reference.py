"""An independent Python computation of the labeling-function marts: the seed's rules run with Python's
`re` over the JSON files, the dataset taken from the lesson's pandas code, and Snorkel's LFAnalysis
definitions computed on a label matrix per tag (as Snorkel's numpy code does), not from the warehouse."""

import csv
import json
import re
import string
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from oracles.lesson_reference import labeled_projects

ABSTAIN = -1
SEED = Path(__file__).resolve().parents[3] / "seeds" / "labeling_functions.csv"


# docs/labeling.md: a keyword matches "the pattern literally, as a whole word (not next to an ASCII letter or
# digit)". Written here from that sentence, character by character, not as the macro's regular expression.
ASCII_LETTERS_AND_DIGITS = frozenset(string.ascii_letters + string.digits)


def contains_whole_word(text: str, word: str, case_sensitive: bool) -> bool:
    """True when `word` occurs in `text` (ignoring case unless `case_sensitive`) with neither the character
    just before nor the one just after it an ASCII letter or digit."""
    if not word:
        return False
    fold = (lambda value: value) if case_sensitive else str.lower
    if fold(word) not in fold(text):  # a quick no: each occurrence of the word is one in the folded text
        return False
    size = len(word)
    for start in range(len(text) - size + 1):
        if fold(text[start : start + size]) != fold(word):
            continue
        before = text[start - 1] if start > 0 else ""
        after = text[start + size] if start + size < len(text) else ""
        if before not in ASCII_LETTERS_AND_DIGITS and after not in ASCII_LETTERS_AND_DIGITS:
            return True
    return False


@dataclass(frozen=True)
class LabelingFunction:
    name: str
    tag: str
    label: int
    kind: str
    pattern: str
    is_case_sensitive: bool
    regex: re.Pattern[str] | None  # only for kind 'regex': Python's re reading the seed's expression

    def fires(self, text: str) -> bool:
        if self.regex is not None:
            return self.regex.search(text) is not None
        return contains_whole_word(text, self.pattern, self.is_case_sensitive)


def labeling_functions(seed: Path = SEED) -> list[LabelingFunction]:
    functions = []
    with seed.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            case_sensitive = row["is_case_sensitive"] == "true"
            regex = None
            if row["kind"] == "regex":
                regex = re.compile(row["pattern"], 0 if case_sensitive else re.IGNORECASE)
            functions.append(
                LabelingFunction(
                    row["lf_name"], row["tag"], int(row["label"]), row["kind"], row["pattern"], case_sensitive, regex
                )
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
    return {(project_id, lf.name): lf.label for project_id, text in texts.items() for lf in functions if lf.fires(text)}


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
