"""Check the labeling functions' regular expressions before anything is loaded or built.

dbt compiles every pattern of seeds/labeling_functions.csv inside one statement over all projects, so a
pattern DuckDB's regex engine (RE2) refuses fails the whole build with the engine's message and no name.
Here each `regex` pattern is compiled on its own first; a bad one is named in one line and nothing runs.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from tagifai import settings
from tagifai.errors import TagifaiError

LABELING_FUNCTIONS = settings.PROJECT_ROOT / "seeds" / "labeling_functions.csv"


class LabelingFunctionError(TagifaiError):
    """A labeling function's pattern does not compile."""


def check_labeling_functions(path: Path = LABELING_FUNCTIONS) -> int:
    """Compile every `regex` pattern of `path` alone; LabelingFunctionError names the first bad one.

    Returns how many patterns were compiled."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    n_compiled = 0
    with duckdb.connect() as con:
        for line, row in enumerate(rows, start=2):
            if (row.get("kind") or "").strip() != "regex":
                continue
            pattern = row.get("pattern") or ""
            try:
                con.execute("select regexp_matches('', ?)", [pattern]).fetchone()
            except duckdb.Error as exc:
                reason = str(exc).splitlines()[0].split("Error: ", 1)[-1]
                raise LabelingFunctionError(
                    f"{path}, line {line}: labeling function {row.get('lf_name')!r}: pattern {pattern!r} does not "
                    f"compile ({reason}); fix the pattern (RE2 syntax: no lookaround, no backreferences) and build "
                    "again. Nothing was loaded or built."
                ) from exc
            n_compiled += 1
    return n_compiled
