"""Write a synthetic projects.json of any size with the real data's shape, streaming, in bounded memory.

Shape, taken from the real files (a folder holding projects.json and tags.json):

- tag lists: the projects are written in blocks of as many projects as the real file holds; each block uses
  every real tag list exactly once, in a fresh random order. So tag counts per project, tag co-occurrence
  and tag frequencies are the real ones: after k whole blocks every tag is used exactly k times as often
  as in the real file, and with the threshold scaled to `min_tag_freq * k` (see `scaled_min_tag_freq`) the
  same tags survive it at every scale (35 on the 2021-03 data).
- titles and descriptions: drawn at random (independently) from the real ones, so lengths, characters and
  escapes are realistic;
- ids: unique, `id_start + position - 1`, so a record's id tells its position in the file (which lets a
  test check the loader's positions on multi-GB files);
- `created_on` (optional): increasing over the file, spread evenly from 2020-02-17 to 2025-12-31.

Memory holds the real file and one block, whatever the size asked for.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tagifai import settings
from tagifai.errors import TagifaiError

CREATED_FROM = datetime(2020, 2, 17, 6, 30, 41, tzinfo=UTC)
CREATED_TO = datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC)


@dataclass(frozen=True)
class RealShape:
    """The real projects, each field pre-serialized as JSON text so writing a record is string joining."""

    titles: list[str]
    descriptions: list[str]
    tag_lists: list[str]

    @property
    def block_size(self) -> int:
        return len(self.tag_lists)


def read_shape(source_dir: Path) -> RealShape:
    """Read the real projects.json (small) and keep its titles, descriptions and tag lists as JSON text."""
    path = source_dir / settings.FILE_NAMES["projects"]
    try:
        projects = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise TagifaiError(f"{path}: file not found; point --source-dir at the real data folder") from exc
    except ValueError as exc:
        raise TagifaiError(f"{path}: not valid JSON ({exc}); point --source-dir at the real data folder") from exc
    if not isinstance(projects, list) or not projects:
        raise TagifaiError(f"{path}: expected a non-empty JSON array of projects")

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    return RealShape(
        titles=[dump(p["title"]) for p in projects],
        descriptions=[dump(p["description"]) for p in projects],
        tag_lists=[dump(p["tags"]) for p in projects],
    )


def scaled_min_tag_freq(n_projects: int, block_size: int, min_tag_freq: int = 30) -> int:
    """The threshold that keeps exactly the real data's tags in a generated file of `n_projects`.

    With k = n_projects // block_size whole blocks, a tag used f times in the real file is used between
    k*f and (k+1)*f times, so `min_tag_freq * k` keeps every tag with f >= min_tag_freq and drops every tag
    with f < min_tag_freq as long as k >= min_tag_freq (about 61k projects on the real data); below that
    a tag just under the cut may survive.
    """
    return min_tag_freq * max(1, n_projects // block_size)


def _created_on(position: int, n_projects: int) -> str:
    span = (CREATED_TO - CREATED_FROM).total_seconds()
    moment = CREATED_FROM.timestamp() + span * position / max(1, n_projects)
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d %H:%M:%S")


def records(shape: RealShape, n_projects: int, seed: int, id_start: int, created_on: bool) -> Iterator[list[str]]:
    """Yield blocks of serialized records (JSON object text), at most `shape.block_size` per block."""
    rng = random.Random(seed)
    n_real = shape.block_size
    order = list(range(n_real))
    written = 0
    while written < n_projects:
        rng.shuffle(order)
        size = min(n_real, n_projects - written)
        block = []
        for offset in range(size):
            position = written + offset
            fields = [f'"id":{id_start + position}']
            if created_on:
                fields.append(f'"created_on":"{_created_on(position, n_projects)}"')
            fields.append(f'"title":{shape.titles[rng.randrange(n_real)]}')
            fields.append(f'"description":{shape.descriptions[rng.randrange(n_real)]}')
            fields.append(f'"tags":{shape.tag_lists[order[offset]]}')
            block.append("{" + ",".join(fields) + "}")
        written += size
        yield block


def write_projects(
    out: Path,
    shape: RealShape,
    n_projects: int,
    *,
    seed: int = 0,
    id_start: int = 1,
    created_on: bool = False,
    json_lines: bool = False,
) -> int:
    """Write `n_projects` records to `out` (a JSON array, one record per line; or JSON Lines). Returns bytes."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as f:
        first = True
        if not json_lines:
            f.write("[\n")
        for block in records(shape, n_projects, seed, id_start, created_on):
            if json_lines:
                f.write("\n".join(block) + "\n")
            else:
                f.write(("" if first else ",\n") + ",\n".join(block))
            first = False
        if not json_lines:
            f.write("\n]\n")
        return f.tell()


def generate(
    source_dir: Path,
    out_dir: Path,
    n_projects: int,
    *,
    seed: int = 0,
    created_on: bool = False,
    json_lines: bool = False,
) -> Path:
    """Write out_dir/projects.json (or .jsonl) and a copy of the real tags.json; return the projects file."""
    if n_projects < 1:
        raise TagifaiError(f"--projects must be at least 1 (got {n_projects})")
    shape = read_shape(source_dir)
    tags = source_dir / settings.FILE_NAMES["tags"]
    if not tags.is_file():
        raise TagifaiError(f"{tags}: file not found; point --source-dir at the real data folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tags, out_dir / settings.FILE_NAMES["tags"])
    name = "projects.jsonl" if json_lines else settings.FILE_NAMES["projects"]
    out = out_dir / name
    write_projects(out, shape, n_projects, seed=seed, created_on=created_on, json_lines=json_lines)
    return out


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Write a synthetic projects.json (and tags.json) with the real data's shape, of any size."
    )
    parser.add_argument("--projects", "-n", type=int, required=True, help="number of projects to write")
    parser.add_argument("--out-dir", type=Path, required=True, help="folder to write projects.json and tags.json")
    parser.add_argument(
        "--source-dir",
        type=Path,
        help=f"the real data folder to sample from (default: ${settings.DATA_DIR_ENV})",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0): same seed, same file")
    parser.add_argument("--created-on", action="store_true", help="add created_on, increasing over the file")
    parser.add_argument("--json-lines", action="store_true", help="write projects.jsonl (one object per line)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """`python benchmarks/generate.py`."""
    args = _parser().parse_args(argv)
    source_dir = args.source_dir or settings.data_dir(None)
    if source_dir is None:
        print(f"generate: error: give --source-dir or set {settings.DATA_DIR_ENV}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    try:
        out = generate(
            Path(source_dir),
            args.out_dir,
            args.projects,
            seed=args.seed,
            created_on=args.created_on,
            json_lines=args.json_lines,
        )
    except (TagifaiError, OSError) as exc:
        print(f"generate: error: {exc}", file=sys.stderr)
        return 1
    size = out.stat().st_size
    print(f"generate: {out}: {args.projects} projects, {size / 1e6:.1f} MB, {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
