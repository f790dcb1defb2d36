"""Land source files in the warehouse's raw schema: validate, set bad records aside, commit once.

The whole load (every file given) is one DuckDB transaction: a file-level fault, a --strict rejection
or a crash leaves the warehouse exactly as it was. DuckDB reads the JSON itself; no record becomes a
Python object, so memory stays bounded by DuckDB's, not by the file.

Only new and changed records are written: an unchanged record keeps the row (and `_load_id`,
`_loaded_at`) of the load that first brought that version, so `_loaded_at` says when a project last
changed and incremental dbt models pick up exactly the projects a load touched.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tagifai.errors import InputFileError, RejectedRecordsError
from tagifai.ingest.csv_file import land_csv
from tagifai.ingest.json_file import check_array_file, locate_syntax_error, non_standard_literal
from tagifai.ingest.records import (
    SourceSpec,
    fast_parse_sql,
    fast_reason_sql,
    fast_suspect_sql,
    field_columns_sql,
    field_json,
    field_type,
    parse_sql,
    reason_sql,
)
from tagifai.pause import pause_point

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
-- True for the rejects of the latest load of each source; older ones are kept as history (false).
alter table raw.rejected_records add column if not exists is_current boolean default true;
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
    fast_path: bool = False  # read by the fast path (see _land_fast); False: every record checked in full

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


JSON_ELEMENTS = (
    "select ordinality as position, json as record "
    "from read_json_objects(?, format = 'array', maximum_object_size = 268435456) with ordinality"
)


def _elements(con: duckdb.DuckDBPyConnection, source: SourceFile) -> tuple[str, list[str]]:
    """The file's elements as SQL (position from 1, record as JSON text) and its parameters.

    JSON is read straight from the file by the statement that checks it (no copy of the whole file is
    kept); a CSV file is first landed in the temp table `landing` (see tagifai.ingest.csv_file).
    """
    label = source.uri
    if source.path.suffix.lower() == ".csv":
        integer_fields = {name for name, kind in source.spec.column_types.items() if kind == "bigint"}
        land_csv(con, source.path, label, integer_fields)
        return "select position, record from landing", []
    check_array_file(source.path, label)
    return JSON_ELEMENTS, [str(source.path)]


def _parse_error(source: SourceFile, exc: duckdb.Error) -> InputFileError:
    """The file-level fault behind a failed read, with its position when it can be found."""
    located = locate_syntax_error(source.path)
    if located is not None:
        return InputFileError(source.uri, *located)
    first_line = str(exc).splitlines()[0]
    problem = first_line.split("Error: ", 1)[-1].replace(f' in file "{source.path}"', "").strip()
    return InputFileError(source.uri, "while parsing", problem)


def _key_json(spec: SourceSpec, guard: str = "true") -> str:
    """SQL: the record's key as JSON text over the field columns; null unless `guard` holds and every key
    field is present and not null."""
    present = " and ".join(f"{field_type(field)} <> 'NULL'" for field in spec.key_columns)
    if spec.key_fields:
        key = "json_array(" + ", ".join(f"{field_json(field)}::json" for field in spec.key_columns) + ")"
    else:
        key = field_json(spec.key)
    return f"case when {guard} and {present} then {key}::varchar end"


def _checked_select(spec: SourceSpec, elements: str) -> str:
    """SQL: one row per element of `elements` (position, record) with its position, key (`key_json`), the
    reason it is rejected (null when good), its raw columns (typed, for good records) and its text
    (`record`, kept only for rejected records and the few that mention NaN or Infinity: good ones need only
    their columns). Each element is parsed once (records.parse_sql)."""
    columns = ",\n            ".join(
        f"case when reason is null then {expr} end as {name}" for name, expr in spec.columns.items()
    )
    return f"""
        with elements as (
            {elements}
        ),

        parsed as (
            select position, record, {parse_sql(spec)}
            from elements
        ),

        extracted as (
            select position, record, record_type, record_keys, {field_columns_sql(spec)}
            from parsed
        ),

        reasons as (
            select
                *,
                {reason_sql(spec)} as reason,
                {_key_json(spec, guard="record_type = 'OBJECT'")} as key_json
            from extracted
        )

        select
            position,
            key_json,
            reason,
            {columns},
            case
                when reason is not null or contains(record, 'NaN') or contains(record, 'Infinity') then record
            end as record
        from reasons
    """


def _fast_landing(spec: SourceSpec) -> str:
    return f"fast_landing_{spec.name}"


_SCAN_BLOCK = 16 * 1024 * 1024
_NON_STANDARD_BYTES = (b"NaN", b"Infinity")


def _mentions_non_standard_literal(path: Path) -> bool:
    """True when the file's bytes contain NaN or Infinity anywhere (inside strings too: a cheap, safe test).

    Read in blocks (not mapped: a mapped 6 GB file would count its pages in the loader's memory), each
    block searched together with the last bytes of the one before, so a word split between blocks is found.
    """
    overlap = max(len(word) for word in _NON_STANDARD_BYTES) - 1
    tail = b""
    with path.open("rb") as handle:
        while block := handle.read(_SCAN_BLOCK):
            window = tail + block
            if any(word in window for word in _NON_STANDARD_BYTES):
                return True
            tail = window[-overlap:]
    return False


def _land_fast(con: duckdb.DuckDBPyConnection, source: SourceFile) -> bool:
    """The fast path's first step, run before the load's transaction (a failed statement would abort it):
    read the JSON array once with DuckDB's typed reader, each field the spec reads as its own JSON text,
    into the temp table fast_landing_<name>. True when that worked and the checks may run on it.

    DuckDB's checking reader (read_json_objects, then json functions per record) runs in one thread and
    parses each record several times; this reads the file in one parse, and the checks then run over the
    landed table on every core. It is exact or not taken: read_json refuses a file whose elements are not
    all objects or that repeats a field name inside a record, and a file mentioning NaN or Infinity
    anywhere goes the full way too (DuckDB reads them, JSON has no such values); any refusal, or a
    file-level fault, leaves the file to the full checks, which report it precisely. Records the fast
    checks doubt (`records.fast_suspect_sql`) are re-checked in full (see _check_fast).
    """
    if source.path.suffix.lower() == ".csv":
        return False
    try:
        check_array_file(source.path, source.uri)
    except InputFileError:
        return False
    # The byte scan runs beside DuckDB's single-threaded read (DuckDB releases the GIL while it works).
    verdict: list[bool] = []
    scan = threading.Thread(target=lambda: verdict.append(_mentions_non_standard_literal(source.path)))
    scan.start()
    columns = ", ".join(f"{field}: 'json'" for field in source.spec.fields)
    table = _fast_landing(source.spec)
    try:
        con.execute(
            f"""
            create or replace temp table {table} as
            select ordinality as position, *
            from read_json(?, format = 'array', columns = {{{columns}}}, maximum_object_size = 268435456)
                with ordinality
            """,
            [str(source.path)],
        )
        landed = True
    except (duckdb.Error, UnicodeDecodeError):
        # UnicodeDecodeError: DuckDB's message quotes the refused record cut at a byte count, which can
        # split a character. Either way the full checks read the file and say what is wrong.
        landed = False
    scan.join()
    if not landed or verdict != [False]:
        con.execute(f"drop table if exists {table}")
        return False
    return True


def _check_fast(con: duckdb.DuckDBPyConnection, source: SourceFile) -> None:
    """Temp table `checked` (as `_check` makes it, plus `is_suspect`) from the fast path's landing table:
    the spec's checks on each field's JSON text, in parallel. The few records the fast checks doubt are
    read again from the file and checked in full, so every verdict and reason is the full checks' own."""
    spec = source.spec
    columns = ",\n            ".join(
        f"case when not is_suspect then {expr} end as {name}" for name, expr in spec.columns.items()
    )
    con.execute(
        f"""
        create or replace temp table checked as
        with extracted as (
            select position, {fast_parse_sql(spec)}
            from {_fast_landing(spec)}
        ),

        reasons as (
            select
                *,
                {fast_reason_sql(spec)} as fast_reason,
                {_key_json(spec)} as key_json
            from extracted
        ),

        verdicts as (
            select *, ({fast_suspect_sql(spec)}) as is_suspect
            from reasons
        )

        select
            position,
            key_json,
            null::varchar as reason,
            {columns},
            null::varchar as record,
            is_suspect
        from verdicts
        """
    )
    con.execute(f"drop table {_fast_landing(spec)}")
    (n_suspect,) = con.execute("select count(*) from checked where is_suspect").fetchone()
    if n_suspect:
        suspects = f"select * from ({JSON_ELEMENTS}) where position in (select position from checked where is_suspect)"
        con.execute(f"create or replace temp table rechecked as {_checked_select(spec, suspects)}", [str(source.path)])
        con.execute("delete from checked where is_suspect")
        con.execute("insert into checked by name select *, false as is_suspect from rechecked")
        con.execute("drop table rechecked")


def _check(con: duckdb.DuckDBPyConnection, source: SourceFile, fast: bool = False) -> None:
    """Temp table `checked`: one row per element with its position, key, reason (null when good), raw
    columns and, for rejects, its text (see `_checked_select`). `fast`: the file was landed by _land_fast."""
    if fast:
        _check_fast(con, source)
        elements, params = JSON_ELEMENTS, [str(source.path)]
    else:
        elements, params = _elements(con, source)
        try:
            con.execute(f"create or replace temp table checked as {_checked_select(source.spec, elements)}", params)
        except duckdb.Error as exc:
            if not params:  # a CSV file was parsed by land_csv; anything failing here is not the file's fault
                raise
            raise _parse_error(source, exc) from exc
    # DuckDB accepts NaN/Infinity; JSON does not. Only records that mention them are re-parsed strictly.
    candidates = con.execute(
        "select position, record from checked "
        "where contains(record, 'NaN') or contains(record, 'Infinity') order by position"
    ).fetchall()
    for position, record in candidates:
        literal = non_standard_literal(record)
        if literal:
            raise InputFileError(
                source.uri, f"record {position}", f"non-standard JSON literal {literal}; use null or a number"
            )
    _set_aside_repeated_keys(con, source, elements, params)


def _set_aside_repeated_keys(
    con: duckdb.DuckDBPyConnection, source: SourceFile, elements: str, params: list[str]
) -> None:
    """Reject every copy of a key the file holds more than once (which copy counts would be a guess)."""
    con.execute(
        """
        create or replace temp table repeated_keys as
        select key_json, count(*) as copies
        from checked
        where key_json is not null
        group by key_json
        having count(*) > 1
        """
    )
    (n_repeated,) = con.execute("select count(*) from repeated_keys").fetchone()
    if n_repeated:
        con.execute(
            f"""
            update checked
            set reason = concat_ws('; ', checked.reason, '{source.spec.key} ' || checked.key_json || ' appears '
                || repeated_keys.copies || ' times in this file; every copy is set aside')
            from repeated_keys
            where checked.key_json = repeated_keys.key_json
            """
        )
        # Good records kept no text; read it again for the copies just set aside (rare: a second pass only
        # when a file repeats keys).
        con.execute(
            f"""
            update checked
            set record = elements.record
            from ({elements}) as elements
            where checked.position = elements.position and checked.record is null
                and checked.key_json in (select key_json from repeated_keys)
            """,
            params,
        )
    con.execute("drop table repeated_keys")


def _apply(con: duckdb.DuckDBPyConnection, source: SourceFile, load_id: str) -> tuple[int, int, int, int, int]:
    """Write new and changed records to raw.<name>, bad ones to raw.rejected_records; return the counts.

    Returns (loaded, new, changed, rejected, removed). Unchanged rows are left as they are. With
    `replace_all`, rows whose key is not in the file are deleted, except keys the file holds only as
    rejected records: a bad record never deletes the last good version of its project.
    Temp tables hold keys only; the records go from `checked` to the raw table in one insert.
    """
    spec = source.spec
    keys = spec.key_columns
    key = keys[0]  # any key column is null exactly when the left join finds no row
    join_on = " and ".join(f"c.{k} = r.{k}" for k in keys)
    key_list = ", ".join(keys)
    # The key as the JSON text `checked.key_json` holds, to recognise keys the file has only as rejects.
    raw_key_json = f"json_array({key_list})::varchar" if spec.key_fields else f"to_json({key})::varchar"
    # Unchanged records are recognised by the hash of their columns stored with each row (_record_hash),
    # so the comparison reads keys and hashes from the raw table, not every stored text. A row stored before
    # the hash existed (null) is compared column by column, and gets its hash at the end of this load.
    by_column = " or ".join(f"c.{c} is distinct from r.{c}" for c in spec.column_types if c not in keys) or "false"
    compare = by_column
    if spec.stores_record_hash:
        con.execute(f"alter table raw.{spec.name} add column if not exists {RECORD_HASH} ubigint")
        by_hash = f"r.{RECORD_HASH} <> {_record_hash(spec, 'c')}"
        compare = f"case when r.{RECORD_HASH} is null then ({by_column}) else {by_hash} end"
    c_keys = ", ".join(f"c.{k}" for k in keys)
    con.execute(
        f"""
        create or replace temp table touched as
        select {c_keys}, r.{key} is null as is_new
        from checked as c
        left join raw.{spec.name} as r on {join_on}
        where c.reason is null and (r.{key} is null or ({compare}))
        """
    )
    (n_loaded,) = con.execute("select count(*) from checked where reason is null").fetchone()
    n_new, n_changed = con.execute(
        "select count(*) filter (is_new), count(*) filter (not is_new) from touched"
    ).fetchone()
    n_removed = 0
    if source.replace_all:
        missing = f"""
            from raw.{spec.name}
            where ({key_list}) not in (select {key_list} from checked where reason is null)
                and {raw_key_json} not in (select key_json from checked where key_json is not null)
        """
        (n_removed,) = con.execute(f"select count(*) {missing}").fetchone()
        con.execute(f"delete {missing}")
    if n_changed:
        changed = f"select {key_list} from touched where not is_new"
        con.execute(f"delete from raw.{spec.name} where ({key_list}) in ({changed})")
    pause_point("mid-write")
    columns = ", ".join(spec.column_types)
    hash_column = f", {_record_hash(spec)} as {RECORD_HASH}" if spec.stores_record_hash else ""
    # A first load writes every good record: no need to look each one up in `touched`.
    written = "" if n_new + n_changed == n_loaded else f" and ({key_list}) in (select {key_list} from touched)"
    con.execute(
        f"""
        insert into raw.{spec.name} by name
        select {columns}, ? as _source_uri, position as _source_position, ? as _load_id,
            current_timestamp as _loaded_at{hash_column}
        from checked
        where reason is null{written}
        """,
        [source.uri, load_id],
    )
    if spec.stores_record_hash:
        con.execute(f"update raw.{spec.name} set {RECORD_HASH} = {_record_hash(spec)} where {RECORD_HASH} is null")
    # The rejects of this source's earlier loads become history; a re-load of the same file replaces its
    # earlier rejects, so loading twice leaves the same tables.
    con.execute("update raw.rejected_records set is_current = false where source_name = ?", [spec.name])
    con.execute("delete from raw.rejected_records where source_uri = ?", [source.uri])
    con.execute(
        """
        insert into raw.rejected_records by name
        select ? as source_name, ? as source_uri, position as source_position, record as record_json, reason,
            ? as load_id, current_timestamp as loaded_at, true as is_current
        from checked
        where reason is not null
        """,
        [spec.name, source.uri, load_id],
    )
    (n_rejected,) = con.execute("select count(*) from checked where reason is not null").fetchone()
    return n_loaded, n_new, n_changed, n_rejected, n_removed


RECORD_HASH = "_record_hash"


def _record_hash(spec: SourceSpec, alias: str = "") -> str:
    """SQL: the hash of a record's non-key columns (DuckDB's 64-bit hash), as stored in `_record_hash`."""
    prefix = f"{alias}." if alias else ""
    columns = [f"{prefix}{c}" for c in spec.column_types if c not in spec.key_columns]
    return f"hash({', '.join(columns)})" if columns else "cast(0 as ubigint)"


def _rejection_sample(con: duckdb.DuckDBPyConnection, limit: int = 3) -> str:
    rows = con.execute(
        "select position, reason from checked where reason is not null order by position limit ?", [limit]
    ).fetchall()
    return "; ".join(f"record {position}: {reason}" for position, reason in rows)


def load(
    con: duckdb.DuckDBPyConnection, sources: list[SourceFile], strict: bool = False, fast: bool = True
) -> list[LoadReport]:
    """Load every source in one transaction; on any error nothing changes and the error is raised.

    `fast` (the default) tries the fast path for each JSON file (see _land_fast); False checks every record
    in full (the same tables, slower; the tests compare the two)."""
    load_id = str(uuid.uuid4())
    reports = []
    landed: dict[str, float] = {}  # source name -> seconds its fast landing took
    try:
        for source in sources if fast else []:
            started = time.perf_counter()
            if _land_fast(con, source):
                landed[source.spec.name] = time.perf_counter() - started
    except BaseException:
        _drop_landings(con, sources)
        raise
    con.execute("begin transaction")
    try:
        con.execute(RAW_DDL)
        for source in sources:
            started = time.perf_counter() - landed.get(source.spec.name, 0.0)
            con.execute(_table_ddl(source.spec))
            _check(con, source, fast=source.spec.name in landed)
            pause_point("landed")
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
                fast_path=source.spec.name in landed,
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
        for table in ("landing", "checked", "touched"):
            con.execute(f"drop table if exists {table}")
        pause_point("before-commit")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        _drop_landings(con, sources)
        raise
    return reports


def _drop_landings(con: duckdb.DuckDBPyConnection, sources: list[SourceFile]) -> None:
    """Remove fast-path landing tables a failed load left (temp tables outlive a rollback)."""
    for source in sources:
        con.execute(f"drop table if exists {_fast_landing(source.spec)}")
