"""Land a CSV file the way a JSON array is landed: one JSON object per data row, so the same checks apply.

CSV has no types: every value is read as text, an empty field is null, and a field the raw table stores as
an integer becomes a JSON number when its text is an integer (otherwise it stays a string and the record's
checks reject it with a reason naming the field).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from tagifai.errors import InputFileError


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def land_csv(con: duckdb.DuckDBPyConnection, path: Path, label: str, integer_fields: set[str]) -> None:
    """Temp table `landing` (position from 1, record as JSON text) from a CSV file with a header row."""
    if path.stat().st_size == 0:
        raise InputFileError(label, "byte 0", "the file is empty; expected a CSV file with a header row")
    reader = "read_csv(?, header = true, all_varchar = true, delim = ',', quote = '\"')"
    try:
        header = [row[0] for row in con.execute(f"describe select * from {reader}", [str(path)]).fetchall()]
        fields = []
        for name in header:
            column = _identifier(name)
            value = f"to_json({column})"
            if name in integer_fields:
                value = f"coalesce(to_json(try_cast({column} as bigint)), {value})"
            fields.append(f"{_literal(name)}, {value}")
        con.execute(
            f"create or replace temp table landing as "
            f"select ordinality as position, json_object({', '.join(fields)})::varchar as record "
            f"from {reader} with ordinality",
            [str(path)],
        )
    except duckdb.Error as exc:
        first_line = str(exc).splitlines()[0]
        problem = first_line.split("Error: ", 1)[-1].replace(f' in file "{path}"', "")
        raise InputFileError(label, "while parsing CSV", problem) from exc
