"""Land source files in the warehouse's raw schema: validate, set bad records aside, commit once.

The whole load (every file given) is one DuckDB transaction: a file-level fault, a --strict rejection
or a crash leaves the warehouse exactly as it was. DuckDB reads the JSON itself; no record becomes a
Python object, so memory stays bounded by DuckDB's, not by the file.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tagifai.errors import InputFileError, RejectedRecordsError
from tagifai.json_file import check_array_file, non_standard_literal
from tagifai.records import SourceSpec, field_column, field_columns_sql, parse_sql, reason_sql

METADATA_COLUMNS = {
    "_source_uri": "varchar",
    "_source_position": "bigint",
    "_load_id": "varchar",
    "_loaded_at": "timestamp with time zone",
}

RAW_DDL = """
create schema if not exists raw;
create table if not exists raw.rejected_records (
    source_name varchar not null,
    source_uri varchar not null,
    source_position bigint not null,
    record_json varchar not null,
    reason varchar not null,
    load_id varchar not null,
    loaded_at timestamp with time zone not null
);
create table if not exists raw.load_log (
    load_id varchar not null,
    source_name varchar not null,
    source_uri varchar not null,
    n_records bigint not null,
    n_loaded bigint not null,
    n_new bigint not null,
    n_changed bigint not null,
    n_rejected bigint not null,
    replaced_all boolean not null,
    seconds double not null,
    loaded_at timestamp with time zone not null
);
"""


@dataclass(frozen=True)
class SourceFile:
    """One file to load into the raw table its spec names."""

    spec: SourceSpec
    path: Path
    uri: str  # what is recorded as the source: the local path or the URL it was downloaded from
    replace_all: bool  # True: the file is the whole source (taxonomy); False: upsert by key


@dataclass(frozen=True)
class LoadReport:
    """What one file's load did."""

    source_name: str
    uri: str
    n_records: int
    n_loaded: int
    n_new: int
    n_changed: int
    n_rejected: int
    seconds: float

    def summary(self) -> str:
        unchanged = self.n_loaded - self.n_new - self.n_changed
        return (
            f"{self.uri}: {self.n_records} records -> raw.{self.source_name}: {self.n_loaded} loaded "
            f"({self.n_new} new, {self.n_changed} changed, {unchanged} unchanged), "
            f"{self.n_rejected} rejected to raw.rejected_records, {self.seconds:.2f} s"
        )


def _table_ddl(spec: SourceSpec) -> str:
    columns = {**spec.column_types, **METADATA_COLUMNS}
    body = ",\n    ".join(f"{name} {kind}" for name, kind in columns.items())
    return f"create table if not exists raw.{spec.name} (\n    {body}\n);"


def _land(con: duckdb.DuckDBPyConnection, source: SourceFile) -> None:
    """Temp table `landing`: one row per array element (position from 1, record as JSON text)."""
    label = source.uri
    check_array_file(source.path, label)
    try:
        con.execute(
            "create or replace temp table landing as "
            "select ordinality as position, json as record "
            "from read_json_objects(?, format = 'array', maximum_object_size = 268435456) with ordinality",
            [str(source.path)],
        )
    except duckdb.Error as exc:
        first_line = str(exc).splitlines()[0]
        problem = first_line.split("Error: ", 1)[-1].replace(f' in file "{source.path}"', "")
        raise InputFileError(label, "while parsing", problem) from exc
    # DuckDB accepts NaN/Infinity; JSON does not. Only records that mention them are re-parsed strictly.
    candidates = con.execute(
        "select position, record from landing where contains(record, 'NaN') or contains(record, 'Infinity')"
    ).fetchall()
    for position, record in candidates:
        literal = non_standard_literal(record)
        if literal:
            raise InputFileError(
                label, f"record {position}", f"non-standard JSON literal {literal}; use null or a number"
            )


def _check(con: duckdb.DuckDBPyConnection, spec: SourceSpec) -> None:
    """Temp table `checked`: position, key, the reason a record is rejected (null when good), each field's
    JSON (`field_<name>`), and the record's text only when it is rejected (good ones need only the fields)."""
    key = field_column(spec.key)
    fields = ", ".join(field_column(field) for field in spec.fields)
    con.execute(
        f"""
        create or replace temp table checked as
        with parsed as (
            select position, record, {parse_sql(spec)}
            from landing
        ),

        extracted as (
            select position, record, record_type, {field_columns_sql(spec)}
            from parsed
        ),

        reasons as (
            select
                position,
                record,
                {fields},
                {reason_sql(spec)} as reason,
                case
                    when record_type = 'OBJECT' and json_type({key}) <> 'NULL' then {key}::varchar
                end as key_json
            from extracted
        ),

        counted as (
            select
                *,
                count(key_json) over (partition by key_json) as key_copies
            from reasons
        ),

        judged as (
            select
                position,
                {fields},
                key_json,
                record,
                nullif(concat_ws('; ',
                    reason,
                    case when key_copies > 1 then '{spec.key} ' || key_json || ' appears ' || key_copies
                        || ' times in this file; every copy is set aside' end
                ), '') as reason
            from counted
        )

        select
            position,
            {fields},
            key_json,
            case when reason is not null then record end as record,
            reason
        from judged
        """
    )
    con.execute("drop table landing")


def _apply(con: duckdb.DuckDBPyConnection, source: SourceFile, load_id: str) -> tuple[int, int, int, int]:
    """Write good records to raw.<name> and bad ones to raw.rejected_records; return the counts."""
    spec = source.spec
    columns = ",\n            ".join(f"{expr} as {name}" for name, expr in spec.columns.items())
    con.execute(
        f"""
        create or replace temp table valid as
        select
            {columns},
            ? as _source_uri,
            position as _source_position,
            ? as _load_id,
            current_timestamp as _loaded_at
        from checked
        where reason is null
        """,
        [source.uri, load_id],
    )
    data_columns = list(spec.column_types)
    compare = " or ".join(f"v.{c} is distinct from r.{c}" for c in data_columns if c != spec.key)
    n_loaded, n_new, n_changed = con.execute(
        f"""
        select
            count(*),
            count(*) filter (where r.{spec.key} is null),
            count(*) filter (where r.{spec.key} is not null and ({compare}))
        from valid as v
        left join raw.{spec.name} as r on v.{spec.key} = r.{spec.key}
        """
    ).fetchone()
    if source.replace_all:
        con.execute(f"delete from raw.{spec.name}")
    else:
        con.execute(f"delete from raw.{spec.name} where {spec.key} in (select {spec.key} from valid)")
    con.execute(f"insert into raw.{spec.name} by name select * from valid")
    # A re-load of the same file replaces its earlier rejects, so loading twice leaves the same tables.
    con.execute("delete from raw.rejected_records where source_uri = ?", [source.uri])
    con.execute(
        """
        insert into raw.rejected_records
        select ?, ?, position, record, reason, ?, current_timestamp
        from checked
        where reason is not null
        """,
        [spec.name, source.uri, load_id],
    )
    (n_rejected,) = con.execute("select count(*) from checked where reason is not null").fetchone()
    return n_loaded, n_new, n_changed, n_rejected


def _rejection_sample(con: duckdb.DuckDBPyConnection, limit: int = 3) -> str:
    rows = con.execute(
        "select position, reason from checked where reason is not null order by position limit ?", [limit]
    ).fetchall()
    return "; ".join(f"record {position}: {reason}" for position, reason in rows)


def load(con: duckdb.DuckDBPyConnection, sources: list[SourceFile], strict: bool = False) -> list[LoadReport]:
    """Load every source in one transaction; on any error nothing changes and the error is raised."""
    load_id = str(uuid.uuid4())
    reports = []
    con.execute("begin transaction")
    try:
        con.execute(RAW_DDL)
        for source in sources:
            started = time.perf_counter()
            con.execute(_table_ddl(source.spec))
            _land(con, source)
            _check(con, source.spec)
            (n_records,) = con.execute("select count(*) from checked").fetchone()
            (n_bad,) = con.execute("select count(*) from checked where reason is not null").fetchone()
            if strict and n_bad:
                raise RejectedRecordsError(
                    f"{source.uri}: {n_bad} of {n_records} records fail validation and --strict is set, "
                    f"so nothing was loaded. First: {_rejection_sample(con)}. Fix the file or drop --strict "
                    "to load the good records and set the bad ones aside in raw.rejected_records."
                )
            n_loaded, n_new, n_changed, n_rejected = _apply(con, source, load_id)
            seconds = time.perf_counter() - started
            con.execute(
                "insert into raw.load_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp)",
                [
                    load_id,
                    source.spec.name,
                    source.uri,
                    n_records,
                    n_loaded,
                    n_new,
                    n_changed,
                    n_rejected,
                    source.replace_all,
                    seconds,
                ],
            )
            reports.append(
                LoadReport(source.spec.name, source.uri, n_records, n_loaded, n_new, n_changed, n_rejected, seconds)
            )
        for table in ("landing", "checked", "valid"):
            con.execute(f"drop table if exists {table}")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return reports
