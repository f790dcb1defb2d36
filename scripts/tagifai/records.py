"""Record-level validation in SQL: which array elements are good rows, and why the others are not.

Each source has a list of checks; a check is a SQL condition on the element `record` (JSON text) and the
reason a person reads when it fails. Every failing check of a record is reported, joined with '; '.

Checks and columns read each field from its own column `field_<name>` (the field's JSON text, null when
absent; see `field_columns_sql`), which is extracted with one parse of the record: checking a field
re-parses only that field, not the whole record (20 checks used to parse each record 20 times).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    """A record fails when `fails` (SQL, over `record`) is true; `reason` is a SQL string expression."""

    fails: str
    reason: str


def field_column(field: str) -> str:
    """The column holding `field`'s JSON text (null when the record has no such field)."""
    return f"field_{field}"


def _value(field: str) -> str:
    """SQL: the field as text (a JSON string's value, unquoted)."""
    return f"({field_column(field)} ->> '$')"


def _type(field: str) -> str:
    return f"json_type({field_column(field)})"


def _found(field: str) -> str:
    """SQL text describing the value found in a field, for messages: its JSON type and a short excerpt."""
    return f"lower({_type(field)}) || ' ' || left({field_column(field)}::varchar, 40)"


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
            f"{_type(field)} = 'VARCHAR' and trim({_value(field)}) = ''",
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
            f"{_type(field)} = 'ARRAY' and len(list_filter(json_extract({field_column(field)}, '$[*]'), "
            "lambda item: json_type(item) <> 'VARCHAR')) > 0",
            f"'{field} holds items that are not strings: ' || list_filter(json_extract("
            f"{field_column(field)}, '$[*]'), lambda item: json_type(item) <> 'VARCHAR')::varchar",
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
            f"{_type(field)} = 'UBIGINT' and try_cast({_value(field)} as bigint) is null",
            f"'{field} ' || {_value(field)} || ' is larger than the largest BIGINT'",
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
            f"{_type(field)} = 'VARCHAR' and (not regexp_full_match({_value(field)}, "
            r"'\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}') "
            f"or try_strptime({_value(field)}, '{fmt}') is null)",
            f"'{field} ' || {_value(field)} || ' is not a date-time in YYYY-MM-DD HH:MM:SS form'",
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

    @property
    def fields(self) -> list[str]:
        """The record's fields the checks and columns read (the raw columns are named after them)."""
        return list(self.column_types)


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
        "id": f"{_value('id')}::bigint",
        "title": _value("title"),
        "description": _value("description"),
        "tags": f"json_extract_string({field_column('tags')}, '$[*]')",
        "created_on": _value("created_on"),
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
        "tag": _value("tag"),
        "aliases": f"coalesce(json_extract_string({field_column('aliases')}, '$[*]'), [])",
        "parents": f"coalesce(json_extract_string({field_column('parents')}, '$[*]'), [])",
    },
    column_types={"tag": "varchar", "aliases": "varchar[]", "parents": "varchar[]"},
)

SPECS = {spec.name: spec for spec in (PROJECTS, TAGS)}


def parse_sql(spec: SourceSpec) -> str:
    """SQL select-list items over `record`, parsing it once: its JSON type and the list of its fields' JSON."""
    paths = ", ".join(f"'$.{field}'" for field in spec.fields)
    return f"json_type(record) as record_type, json_extract(record, [{paths}]) as fields"


def field_columns_sql(spec: SourceSpec) -> str:
    """SQL select-list items `field_<name>`, one per field, from the `fields` list that `parse_sql` makes."""
    return ", ".join(f"fields[{i}] as {field_column(field)}" for i, field in enumerate(spec.fields, 1))


def reason_sql(spec: SourceSpec) -> str:
    """SQL expression: null for a good record, else every failed check's reason joined by '; '."""
    not_object = "record_type <> 'OBJECT'"
    parts = ",\n            ".join(f"case when {c.fails} then {c.reason} end" for c in spec.checks)
    return (
        f"case when {not_object} then 'element is not a JSON object (found ' || lower(record_type) "
        f"|| ' ' || left(record, 40) || ')'\n"
        f"        else nullif(concat_ws('; ',\n            {parts}\n        ), '') end"
    )
