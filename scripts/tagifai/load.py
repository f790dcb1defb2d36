"""Land source files in the warehouse's raw schema: validate, set bad records aside, commit once.

The whole load (every file given) is one DuckDB transaction: a file-level fault, a --strict rejection
or a crash leaves the warehouse exactly as it was. DuckDB reads the JSON itself; no record becomes a
Python object, so memory stays bounded by DuckDB's, not by the file.

Only new and changed records are written: an unchanged record keeps the row (and `_load_id`,
`_loaded_at`) of the load that first brought that version, so `_loaded_at` says when a project last
changed and incremental dbt models pick up exactly the projects a load touched.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tagifai.csv_file import land_csv
from tagifai.errors import InputFileError, RejectedRecordsError
from tagifai.json_file import check_array_file, locate_syntax_error, non_standard_literal
from tagifai.pause import pause_point
from tagifai.records import SourceSpec, reason_sql

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
-- Added after the first release; warehouses loaded before it get the column here.
alter table raw.load_log add column if not exists n_removed bigint default 0;
"""


@dataclass(frozen=True)
class SourceFile:
    """One file to load into the raw table its spec names."""

    spec: SourceSpec
    path: Path
    uri: str  # what is recorded as the source: the local path or the URL it was downloaded from
    replace_all: bool  # True: the file is the whole source, keys missing from it are deleted; False: upsert


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
    n_removed: int
    seconds: float

    def summary(self) -> str:
        unchanged = self.n_loaded - self.n_new - self.n_changed
        removed = f", {self.n_removed} removed (not in this complete file)" if self.n_removed else ""
        return (
            f"{self.uri}: {self.n_records} records -> raw.{self.source_name}: {self.n_loaded} loaded "
            f"({self.n_new} new, {self.n_changed} changed, {unchanged} unchanged){removed}, "
            f"{self.n_rejected} rejected to raw.rejected_records, {self.seconds:.2f} s"
        )


def _table_ddl(spec: SourceSpec) -> str:
    columns = {**spec.column_types, **METADATA_COLUMNS}
    body = ",\n    ".join(f"{name} {kind}" for name, kind in columns.items())
    return f"create table if not exists raw.{spec.name} (\n    {body}\n);"


def _land(con: duckdb.DuckDBPyConnection, source: SourceFile) -> None:
    """Temp table `landing`: one row per array element or CSV row (position from 1, record as JSON text)."""
    label = source.uri
    if source.path.suffix.lower() == ".csv":
        integer_fields = {name for name, kind in source.spec.column_types.items() if kind == "bigint"}
        land_csv(con, source.path, label, integer_fields)
        return
    check_array_file(source.path, label)
    try:
        con.execute(
            "create or replace temp table landing as "
            "select ordinality as position, json as record "
            "from read_json_objects(?, format = 'array', maximum_object_size = 268435456) with ordinality",
            [str(source.path)],
        )
    except duckdb.Error as exc:
        located = locate_syntax_error(source.path)
        if located is not None:
            raise InputFileError(label, *located) from exc
        first_line = str(exc).splitlines()[0]
        problem = first_line.split("Error: ", 1)[-1].replace(f' in file "{source.path}"', "").strip()
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
    """Temp table `checked`: position, record, key and the reason it is rejected (null when good)."""
    present = " and ".join(f"json_type(record, '$.{field}') <> 'NULL'" for field in spec.key_columns)
    values = ", ".join(f"json_extract(record, '$.{field}')" for field in spec.key_columns)
    key_value = f"json_array({values})" if spec.key_fields else values
    con.execute(
        f"""
        create or replace temp table checked as
        with reasons as (
            select
                position,
                record,
                {reason_sql(spec)} as reason,
                case
                    when json_type(record) = 'OBJECT' and {present}
                        then {key_value}::varchar
                end as key_json
            from landing
        ),

        counted as (
            select
                *,
                count(key_json) over (partition by key_json) as key_copies
            from reasons
        )

        select
            position,
            record,
            key_json,
            nullif(concat_ws('; ',
                reason,
                case when key_copies > 1 then '{spec.key} ' || key_json || ' appears ' || key_copies
                    || ' times in this file; every copy is set aside' end
            ), '') as reason
        from counted
        """
    )


def _apply(con: duckdb.DuckDBPyConnection, source: SourceFile, load_id: str) -> tuple[int, int, int, int, int]:
    """Write new and changed records to raw.<name>, bad ones to raw.rejected_records; return the counts.

    Returns (loaded, new, changed, rejected, removed). Unchanged rows are left as they are. With
    `replace_all`, rows whose key is not in the file are deleted, except keys the file holds only as
    rejected records: a bad record never deletes the last good version of its project.
    """
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
    keys = spec.key_columns
    key = keys[0]  # any key column is null exactly when the left join finds no row
    join_on = " and ".join(f"v.{k} = r.{k}" for k in keys)
    key_list = ", ".join(keys)
    # The key as the JSON text `checked.key_json` holds, to recognise keys the file has only as rejects.
    raw_key_json = f"json_array({key_list})::varchar" if spec.key_fields else f"to_json({key})::varchar"
    compare = " or ".join(f"v.{c} is distinct from r.{c}" for c in spec.column_types if c not in keys) or "false"
    con.execute(
        f"""
        create or replace temp table written as
        select v.*, r.{key} is null as _is_new
        from valid as v
        left join raw.{spec.name} as r on {join_on}
        where r.{key} is null or ({compare})
        """
    )
    (n_loaded,) = con.execute("select count(*) from valid").fetchone()
    n_new, n_changed = con.execute(
        "select count(*) filter (_is_new), count(*) filter (not _is_new) from written"
    ).fetchone()
    n_removed = 0
    if source.replace_all:
        missing = f"""
            from raw.{spec.name}
            where ({key_list}) not in (select {key_list} from valid)
                and {raw_key_json} not in (select key_json from checked where key_json is not null)
        """
        (n_removed,) = con.execute(f"select count(*) {missing}").fetchone()
        con.execute(f"delete {missing}")
    con.execute(f"delete from raw.{spec.name} where ({key_list}) in (select {key_list} from written)")
    pause_point("mid-write")
    con.execute(f"insert into raw.{spec.name} by name select * exclude (_is_new) from written")
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
    return n_loaded, n_new, n_changed, n_rejected, n_removed


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
            pause_point("landed")
            _check(con, source.spec)
            (n_records,) = con.execute("select count(*) from checked").fetchone()
            (n_bad,) = con.execute("select count(*) from checked where reason is not null").fetchone()
            if strict and n_bad:
                raise RejectedRecordsError(
                    f"{source.uri}: {n_bad} of {n_records} records fail validation and --strict is set, "
                    f"so nothing was loaded. First: {_rejection_sample(con)}. Fix the file or drop --strict "
                    "to load the good records and set the bad ones aside in raw.rejected_records."
                )
            n_loaded, n_new, n_changed, n_rejected, n_removed = _apply(con, source, load_id)
            seconds = time.perf_counter() - started
            report = LoadReport(
                source.spec.name,
                source.uri,
                n_records,
                n_loaded,
                n_new,
                n_changed,
                n_rejected,
                n_removed,
                seconds,
            )
            con.execute(
                """
                insert into raw.load_log (
                    load_id, source_name, source_uri, n_records, n_loaded, n_new, n_changed, n_rejected,
                    replaced_all, seconds, loaded_at, n_removed
                )
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp, ?)
                """,
                [
                    load_id,
                    report.source_name,
                    report.uri,
                    report.n_records,
                    report.n_loaded,
                    report.n_new,
                    report.n_changed,
                    report.n_rejected,
                    source.replace_all,
                    report.seconds,
                    report.n_removed,
                ],
            )
            reports.append(report)
        for table in ("landing", "checked", "valid", "written"):
            con.execute(f"drop table if exists {table}")
        pause_point("before-commit")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return reports
