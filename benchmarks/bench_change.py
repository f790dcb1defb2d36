"""The daily change, and the check that an incremental build equals a fresh one.

- `write_changed`: a copy of a generated data folder with about `fraction` of its projects changed: every
  n-th project gets another real description, and as many new projects (new ids after the last) are
  appended. Streams the file line by line (generate.py writes one record per line), so it works at 20M.
- `warehouse_fingerprints`: for each table of the intermediate and marts schemas, its row count and a
  content hash that ignores row order (the sum of each row's hash), leaving out the columns that say
  when or by which load a row came (they differ between an incremental and a fresh build by design) and
  the per-build log tables.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import duckdb

from generate import RealShape, records
from tagifai import settings

# When and by which load a row came: differ between a build made in steps and one made at once.
# int_tag_model_fits.fitted_through is a load time too; computed_at (label_issue_candidates, label_quality) a
# build time, and their inputs_version holds label_model's newest load (a load time). model_pickle is left
# out as well: the pickle of a model fit on the same inputs need not be the same bytes (sets pickle in hash
# order); fit_version, a fingerprint of those inputs, and the predictions the models make are compared.
PROVENANCE_COLUMNS = frozenset(
    {
        "loaded_at",
        "load_id",
        "source_uri",
        "source_position",
        "fitted_through",
        "model_pickle",
        "computed_at",
        "inputs_version",
    }
)
# One row per build by design.
PER_BUILD_TABLES = frozenset({"marts.build_history", "marts.build_parameters"})  # one row per build or per run
COMPARED_SCHEMAS = ("intermediate", "marts")


def write_changed(
    data_dir: Path, out_dir: Path, shape: RealShape, fraction: float = 0.01, seed: int = 1
) -> dict[str, int]:
    """Write out_dir/projects.json (and a copy of tags.json): data_dir's projects with every
    round(1 / fraction)-th description replaced, then as many new projects. Returns the counts
    {"n_projects", "n_edited", "n_added"}. The input must hold one record per line, as generate.py writes."""
    source = data_dir / settings.FILE_NAMES["projects"]
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(data_dir / settings.FILE_NAMES["tags"], out_dir / settings.FILE_NAMES["tags"])
    every = max(1, round(1 / fraction))
    rng = random.Random(seed)
    n_projects = n_edited = 0
    last_id = 0
    with (
        source.open(encoding="utf-8") as original,
        (out_dir / settings.FILE_NAMES["projects"]).open("w", encoding="utf-8", newline="\n") as out,
    ):
        out.write("[\n")
        for line in original:
            text = line.strip().rstrip(",")
            if text in ("[", "]", ""):
                continue
            if not text.startswith("{"):
                raise ValueError(
                    f"{source}: expected one JSON object per line (as generate.py writes), got {text[:40]!r}"
                )
            n_projects += 1
            last_id = max(last_id, json.loads(text[: text.index(",")] + "}")["id"])
            if n_projects % every == 0:
                record = json.loads(text)
                record["description"] = json.loads(shape.descriptions[rng.randrange(shape.block_size)]) + " (edited)"
                text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
                n_edited += 1
            out.write(("" if n_projects == 1 else ",\n") + text)
        n_added = max(1, n_edited)
        for block in records(shape, n_added, seed=seed, id_start=last_id + 1, created_on=False):
            out.write("".join(",\n" + record for record in block))
        out.write("\n]\n")
    return {"n_projects": n_projects, "n_edited": n_edited, "n_added": n_added}


def warehouse_fingerprints(db_path: Path) -> dict[str, tuple[int, int]]:
    """{schema.table: (rows, content hash)} for every table of the intermediate and marts schemas."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database() and table_type = 'BASE TABLE' and table_schema in ? "
            "order by all",
            [list(COMPARED_SCHEMAS)],
        ).fetchall()
        result = {}
        for schema, table in tables:
            name = f"{schema}.{table}"
            if name in PER_BUILD_TABLES:
                continue
            columns = [
                f'"{column}"'
                for (column,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_catalog = current_database() and table_schema = ? and table_name = ? "
                    "order by ordinal_position",
                    [schema, table],
                ).fetchall()
                if column not in PROVENANCE_COLUMNS
            ]
            rows, digest = con.execute(
                f"select count(*), coalesce(sum(hash({', '.join(columns)})), 0) from {schema}.{table}"
            ).fetchone()
            result[name] = (int(rows), int(digest))
    return result


def differences(left: dict[str, tuple[int, int]], right: dict[str, tuple[int, int]]) -> list[str]:
    """The tables whose count or hash differ (or that only one side has), each as one line."""
    lines = []
    for name in sorted(set(left) | set(right)):
        if left.get(name) != right.get(name):
            lines.append(f"{name}: {left.get(name)} != {right.get(name)}")
    return lines
