"""The two comparison points of the benchmark, each run in its own process by `bench`:

- `pandas`: the lesson's pandas code (tests/python/oracles/lesson_reference.py, the parity tests' oracle);
- `baseline`: one DuckDB SQL statement doing the same work (read the JSON, unnest, filter, count,
  re-aggregate) into a table of a fresh database file, with DuckDB's default settings (as the issue
  measured it; at 20M projects it runs out of memory keeping the file's order);
- `baseline_tuned`: the same statement with the settings the pipeline runs under: `memory_limit` from
  $TAGIFAI_DUCKDB_MEMORY_LIMIT (else 4GB), spilling to disk above it, and `preserve_insertion_order`
  off (the statement's result has no order to keep).

Each writes {"n_projects": ..., "n_tags": ...} to the JSON file given, so the benchmark can check that
all three implementations agree.

    python benchmarks/bench_runners.py pandas|baseline|baseline_tuned DATA_DIR MIN_TAG_FREQ OUT_JSON [DB_PATH]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tagifai import settings

EXCLUDED = ["machine-learning", "deep-learning", "data-science", "neural-networks", "python", "r", "visualization"]

BASELINE_SQL = """
create table labeled_projects as
with projects as (
    select id, title, description, tags
    from read_json($projects, format = 'array',
        columns = {id: 'bigint', title: 'varchar', description: 'varchar', tags: 'varchar[]'})
),
taxonomy as (
    select tag from read_json($tags, format = 'array', columns = {tag: 'varchar'})
),
project_tags as (
    select id, unnest(tags) as tag, generate_subscripts(tags, 1) as position from projects
),
filtered as (
    select * from project_tags
    where tag in (select tag from taxonomy) and tag not in (select unnest($excluded::varchar[]))
),
kept as (
    select tag from filtered group by tag having count(*) >= $min_tag_freq
),
labels as (
    select id, list(tag order by position) as tags
    from filtered
    where tag in (select tag from kept)
    group by id
)
select projects.id, projects.title || ' ' || projects.description as text, labels.tags
from projects
inner join labels on projects.id = labels.id
"""


def run_pandas(data_dir: Path, min_tag_freq: int) -> dict[str, int]:
    sys.path.insert(0, str(settings.PROJECT_ROOT / "tests" / "python"))  # the parity tests' oracle
    from oracles.lesson_reference import labeled_projects  # noqa: PLC0415

    df, tags = labeled_projects(data_dir, min_tag_freq)
    return {"n_projects": len(df), "n_tags": len(tags)}


def run_baseline(data_dir: Path, min_tag_freq: int, db_path: Path, *, tuned: bool = False) -> dict[str, int]:
    import duckdb  # noqa: PLC0415

    db_path.unlink(missing_ok=True)
    config = {**settings.duckdb_config(), "preserve_insertion_order": False} if tuned else {}
    with duckdb.connect(str(db_path), config=config) as con:
        con.execute(
            BASELINE_SQL,
            {
                "projects": str(data_dir / "projects.json"),
                "tags": str(data_dir / "tags.json"),
                "excluded": EXCLUDED,
                "min_tag_freq": min_tag_freq,
            },
        )
        (n_projects,) = con.execute("select count(*) from labeled_projects").fetchone()
        (n_tags,) = con.execute(
            "select count(distinct tag) from (select unnest(tags) as tag from labeled_projects)"
        ).fetchone()
    return {"n_projects": n_projects, "n_tags": n_tags}


def main(argv: list[str]) -> int:
    kind, data_dir, min_tag_freq, out = argv[0], Path(argv[1]), int(argv[2]), Path(argv[3])
    if kind == "pandas":
        counts = run_pandas(data_dir, min_tag_freq)
    elif kind in ("baseline", "baseline_tuned"):
        counts = run_baseline(data_dir, min_tag_freq, Path(argv[4]), tuned=kind == "baseline_tuned")
    else:
        print(f"bench_runners: unknown runner {kind!r}; use pandas, baseline or baseline_tuned", file=sys.stderr)
        return 2
    out.write_text(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
