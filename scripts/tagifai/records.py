"""Record-level validation in SQL: which array elements are good rows, and why the others are not.

Each source has a list of checks; a check is a SQL condition on the element `record` (JSON text) and the
reason a person reads when it fails. Every failing check of a record is reported, joined with '; '.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    """A record fails when `fails` (SQL, over `record`) is true; `reason` is a SQL string expression."""

    fails: str
    reason: str


def _type(field: str) -> str:
    return f"json_type(record, '$.{field}')"


def json_kind(type_sql: str) -> str:
    """SQL: the JSON kind a person knows (string, integer, number, boolean, list, object, null) for a
    DuckDB json_type() result."""
    return (
        f"case {type_sql} when 'VARCHAR' then 'string' when 'BIGINT' then 'integer' when 'UBIGINT' then 'integer' "
        f"when 'DOUBLE' then 'number' when 'BOOLEAN' then 'boolean' when 'ARRAY' then 'list' "
        f"when 'OBJECT' then 'object' when 'NULL' then 'null' else lower({type_sql}) end"
    )


def _found(field: str) -> str:
    """SQL text describing the value found in a field, for messages: its JSON kind and a short excerpt."""
    return f"{json_kind(_type(field))} || ' ' || left(json_extract(record, '$.{field}')::varchar, 40)"


def required_string(field: str) -> list[Check]:
    """Present, not null, a JSON string, and not blank."""
    return [
        Check(f"{_type(field)} is null", f"'{field} is missing'"),
        Check(f"{_type(field)} = 'NULL'", f"'{field} is null'"),
        Check(
            f"{_type(field)} not in ('VARCHAR', 'NULL')",
            f"'{field} is not a string (found ' || {_found(field)} || ')'",
        ),
        Check(
            # Blank: nothing but spaces, tabs, newlines, carriage returns or form feeds (RE2's \s).
            f"{_type(field)} = 'VARCHAR' and regexp_full_match(record ->> '$.{field}', '\\s*')",
            f"'{field} is empty'",
        ),
    ]


def string_list(field: str, required: bool) -> list[Check]:
    """A JSON array whose items are all strings (no nulls, numbers or objects)."""
    checks = [Check(f"{_type(field)} is null", f"'{field} is missing'")] if required else []
    return [
        *checks,
        Check(f"{_type(field)} = 'NULL'", f"'{field} is null; use [] for none'"),
        Check(
            f"{_type(field)} not in ('ARRAY', 'NULL')",
            f"'{field} is not a list (found ' || {_found(field)} || ')'",
        ),
        Check(
            f"{_type(field)} = 'ARRAY' and len(list_filter(json_extract(record, '$.{field}[*]'), "
            "lambda item: json_type(item) <> 'VARCHAR')) > 0",
            f"'{field} holds items that are not strings: ' || list_filter(json_extract(record, "
            f"'$.{field}[*]'), lambda item: json_type(item) <> 'VARCHAR')::varchar",
        ),
    ]


def integer_id(field: str) -> list[Check]:
    """A JSON integer that fits BIGINT."""
    return [
        Check(f"{_type(field)} is null", f"'{field} is missing'"),
        Check(f"{_type(field)} = 'NULL'", f"'{field} is null'"),
        Check(
            f"{_type(field)} not in ('BIGINT', 'UBIGINT', 'NULL')",
            f"'{field} is not an integer (found ' || {_found(field)} || ')'",
        ),
        Check(
            f"{_type(field)} = 'UBIGINT' and try_cast(record ->> '$.{field}' as bigint) is null",
            f"'{field} ' || (record ->> '$.{field}') || ' is larger than the largest BIGINT'",
        ),
    ]


def optional_timestamp(field: str, fmt: str) -> list[Check]:
    """Absent or null, or a string in `fmt` (strptime format) that is a real date and time."""
    return [
        Check(
            f"{_type(field)} not in ('VARCHAR', 'NULL')",
            f"'{field} is not a string (found ' || {_found(field)} || ')'",
        ),
        Check(
            f"{_type(field)} = 'VARCHAR' and (not regexp_full_match(record ->> '$.{field}', "
            r"'\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}') "
            f"or try_strptime(record ->> '$.{field}', '{fmt}') is null)",
            f"'{field} ' || (record ->> '$.{field}') || ' is not a date-time in YYYY-MM-DD HH:MM:SS form'",
        ),
    ]


# Checks every object record gets, whatever its source.
COMMON_CHECKS = [
    Check(
        "len(json_keys(record)) <> len(list_distinct(json_keys(record)))",
        "'the record repeats a field name (' || array_to_string(list_distinct(list_filter(json_keys(record), "
        "lambda k: len(list_filter(json_keys(record), lambda j: j = k)) > 1)), ', ') || '); which value counts "
        "is ambiguous'",
    ),
]


@dataclass(frozen=True)
class SourceSpec:
    """How one source file becomes one raw table."""

    name: str  # the raw table, e.g. projects
    key: str  # the field that identifies a record; repeated keys are all rejected
    checks: list[Check]
    columns: dict[str, str]  # raw column -> SQL expression over a valid `record`
    column_types: dict[str, str]  # raw column -> DuckDB type
    # True: every file is the complete source, so a load replaces the table (ids missing from the file are
    # deleted). False: a file holds new and changed records, upserted by key (the loader's --replace flag
    # makes one load complete).
    complete: bool = False
    # A key made of several fields (e.g. annotator, project_id, tag); empty means the single field `key`.
    key_fields: tuple[str, ...] = ()

    @property
    def key_columns(self) -> tuple[str, ...]:
        """The fields (and raw columns) that together identify a record."""
        return self.key_fields or (self.key,)


TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"

PROJECTS = SourceSpec(
    name="projects",
    key="id",
    checks=[
        *integer_id("id"),
        *required_string("title"),
        *required_string("description"),
        *string_list("tags", required=True),
        *optional_timestamp("created_on", TIMESTAMP_FORMAT),
    ],
    columns={
        "id": "(record ->> '$.id')::bigint",
        "title": "record ->> '$.title'",
        "description": "record ->> '$.description'",
        "tags": "json_extract_string(record, '$.tags[*]')",
        "created_on": "record ->> '$.created_on'",
    },
    column_types={
        "id": "bigint",
        "title": "varchar",
        "description": "varchar",
        "tags": "varchar[]",
        "created_on": "varchar",
    },
)

TAGS = SourceSpec(
    name="tags",
    key="tag",
    checks=[
        *required_string("tag"),
        *string_list("aliases", required=False),
        *string_list("parents", required=False),
    ],
    columns={
        "tag": "record ->> '$.tag'",
        "aliases": "coalesce(json_extract_string(record, '$.aliases[*]'), [])",
        "parents": "coalesce(json_extract_string(record, '$.parents[*]'), [])",
    },
    column_types={"tag": "varchar", "aliases": "varchar[]", "parents": "varchar[]"},
    complete=True,
)

# Every source the loader knows, by raw table name. A new source registers here with one entry.
SPECS: dict[str, SourceSpec] = {spec.name: spec for spec in (PROJECTS, TAGS)}


def reason_sql(spec: SourceSpec) -> str:
    """SQL expression: null for a good record, else every failed check's reason joined by '; '."""
    not_object = "json_type(record) <> 'OBJECT'"
    checks = [*COMMON_CHECKS, *spec.checks]
    parts = ",\n            ".join(f"case when {c.fails} then {c.reason} end" for c in checks)
    return (
        f"case when {not_object} then 'element is not a JSON object (found ' || {json_kind('json_type(record)')} "
        f"|| ' ' || left(record, 40) || ')'\n"
        f"        else nullif(concat_ws('; ',\n            {parts}\n        ), '') end"
    )
