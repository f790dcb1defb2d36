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

import argparse
import csv
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from tagifai import settings
from tagifai.errors import TagifaiError
from tagifai.ingest.fetch import Sources

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
        raise argparse.ArgumentTypeError(f"annotator {text!r}: expected NAME=RATE with RATE between 0 and 1")
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Generate an example annotations file from the real projects.")
    parser.add_argument("--output", type=Path, required=True, help="file to write (.json or .csv)")
    parser.add_argument(
        "--duckdb-path", type=Path, help="read the projects from this warehouse's raw.projects (loaded and checked)"
    )
    parser.add_argument("--data-dir", help=f"folder holding projects.json (default: ${settings.DATA_DIR_ENV})")
    parser.add_argument("--projects", type=Path, help="read this projects file instead of the folder's")
    parser.add_argument(
        "--annotator",
        type=parse_annotator,
        action="append",
        help=f"NAME=ERROR_RATE, repeatable (default: {' '.join(DEFAULT_ANNOTATORS)})",
    )
    parser.add_argument("--overlap", type=float, default=0.25, help="share of projects every annotator labels")
    parser.add_argument("--seed", type=int, default=42, help="random seed (same seed, same file)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of `tagifai-generate-annotations`."""
    args = _parser().parse_args(argv)
    annotators = args.annotator or [parse_annotator(text) for text in DEFAULT_ANNOTATORS]
    try:
        if len({a.name for a in annotators}) != len(annotators):
            raise TagifaiError("each --annotator name must be different")
        if not 0.0 <= args.overlap <= 1.0:
            raise TagifaiError(f"--overlap {args.overlap}: expected a share between 0 and 1")
        projects = _read_projects(args)
        try:
            records = generate(projects, annotators, args.overlap, args.seed)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise TagifaiError(
                f"the projects file holds a record this generator cannot read ({type(exc).__name__}: {exc}); "
                "load it with tagifai-load and generate from the warehouse with --duckdb-path"
            ) from exc
        write(records, args.output)
    except TagifaiError as exc:
        print(f"tagifai-generate-annotations: error: {exc}", file=sys.stderr)
        return 1
    n_projects = len({r["project_id"] for r in records})
    print(
        f"tagifai-generate-annotations: {len(records)} labels on {n_projects} projects by "
        f"{len(annotators)} annotators -> {args.output}"
    )
    return 0


def _read_projects(args: argparse.Namespace) -> list[dict]:
    """The projects (id, tags) from the warehouse given with --duckdb-path, else from a projects file."""
    if args.duckdb_path is not None:
        path = args.duckdb_path.expanduser().resolve()
        try:
            with duckdb.connect(str(path), read_only=True) as con:
                rows = con.execute("select id, tags from raw.projects order by id").fetchall()
        except duckdb.Error as exc:
            first_line = str(exc).splitlines()[0]
            raise TagifaiError(f"{path}: cannot read raw.projects ({first_line}); run make build first") from exc
        return [{"id": pid, "tags": tags} for pid, tags in rows]
    with Sources(settings.data_dir(args.data_dir)) as sources:
        if args.projects is not None:
            path = args.projects.expanduser().resolve()
        else:
            path, _ = sources.resolve(settings.FILE_NAMES["projects"], settings.PUBLIC_URLS["projects"])
        try:
            projects = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TagifaiError(f"{path}: cannot read the projects ({exc}); load-check it with tagifai-load") from exc
    if not isinstance(projects, list):
        raise TagifaiError(f"{path}: expected a JSON array of projects; load-check it with tagifai-load")
    return projects


if __name__ == "__main__":
    sys.exit(main())
