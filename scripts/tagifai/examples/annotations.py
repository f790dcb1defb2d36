"""`tagifai-generate-annotations`: an example annotations file made from the real projects.

The projects come from a built warehouse (`--duckdb-path`, what `make demo` uses: raw.projects, records
the loader has already checked) or, for tests on known-good files, from a projects file.

Several annotators re-label the projects: a share of the projects (`--overlap`) is labeled by every
annotator, the rest is split evenly among them. An annotator's truth is the project's author tags; with
probability `error_rate` per true tag they miss it, and with the same probability per true tag they add a
wrong tag drawn from the tags in use (weighted by how often authors use them). An annotator always gives
at least one tag, keeping the first true tag when every one was missed. The same seed gives the same file.
"""

from __future__ import annotations

import csv
import json
import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from tagifai.errors import TagifaiError

FIELDS = ("annotator", "project_id", "tag", "labeled_at")
DEFAULT_ANNOTATORS = ("alice=0.01", "bob=0.02", "carol=0.04")
START = datetime(2021, 3, 15, 9, 0, 0)


@dataclass(frozen=True)
class Annotator:
    """A person who labels projects, wrong on a share `error_rate` of the tags they see."""

    name: str
    error_rate: float


def parse_annotator(text: str) -> Annotator:
    """`name=rate`, e.g. `alice=0.02`."""
    name, _, rate = text.partition("=")
    try:
        error_rate = float(rate)
    except ValueError:
        error_rate = -1.0
    if not name.strip() or not 0.0 <= error_rate <= 1.0:
        raise ValueError(f"annotator {text!r}: expected NAME=RATE with RATE between 0 and 1")
    return Annotator(name.strip(), error_rate)


def _labels(
    truth: list[str], error_rate: float, vocabulary: list[str], weights: list[int], rng: random.Random
) -> list[str]:
    kept = [tag for tag in truth if rng.random() >= error_rate]
    added = [rng.choices(vocabulary, weights)[0] for _ in truth if rng.random() < error_rate]
    labels = list(dict.fromkeys(kept + added))
    return labels or truth[:1]


def generate(projects: list[dict], annotators: list[Annotator], overlap: float, seed: int) -> list[dict[str, object]]:
    """The annotation records, one per (annotator, project, tag), in a stable order."""
    rng = random.Random(seed)
    truths = {int(p["id"]): list(dict.fromkeys(p["tags"])) for p in projects if p.get("tags")}
    usage = Counter(tag for tags in truths.values() for tag in tags)
    vocabulary = sorted(usage)
    weights = [usage[tag] for tag in vocabulary]
    project_ids = sorted(truths)
    rng.shuffle(project_ids)
    n_shared = round(overlap * len(project_ids))
    assignment = {pid: annotators for pid in project_ids[:n_shared]}
    for i, pid in enumerate(project_ids[n_shared:]):
        assignment[pid] = [annotators[i % len(annotators)]]
    records = []
    for pid in sorted(assignment):
        for annotator in assignment[pid]:
            labeled_at = START + timedelta(seconds=rng.randrange(30 * 24 * 3600))
            for tag in _labels(truths[pid], annotator.error_rate, vocabulary, weights, rng):
                records.append(
                    {
                        "annotator": annotator.name,
                        "project_id": pid,
                        "tag": tag,
                        "labeled_at": labeled_at.strftime("%Y-%m-%d %H:%M:%S"),
                    }
                )
    return records


def write(records: list[dict[str, object]], path: Path) -> None:
    """Write JSON (an array of objects) or CSV (with a header), by the file's suffix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(records)
    elif path.suffix.lower() == ".json":
        path.write_text(json.dumps(records, indent=0) + "\n", encoding="utf-8")
    else:
        raise TagifaiError(f"{path}: unknown output format; name the file .json or .csv")
