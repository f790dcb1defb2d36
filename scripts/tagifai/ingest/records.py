"""Record-level validation in SQL: which array elements are good rows, and why the others are not.

Each source has a list of checks; a check is a SQL condition on one parsed element and the reason a person
reads when it fails. Every failing check of a record is reported, joined with '; '.

The loader reads each element's structure in a few whole-record calls (see `parse_sql`): its JSON type
(`record_type`), its field names (`record_keys`), and for each field the spec reads its JSON type
(`type_<name>`) and its text (`value_<name>`: a string unquoted, other values as JSON text; null when
absent). Checks and columns read those columns, so no check parses the record or a field again (20 checks
over the record text used to parse every record 20 times).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    """A record fails when `fails` (SQL over the parsed columns, see `parse_sql`) is true; `reason` is a SQL
    string expression."""

    fails: str
    reason: str


def field_type(field: str) -> str:
    """SQL: DuckDB's json_type of the field (null when the field is absent), computed once per record by
    `parse_sql` (several checks read it)."""
    return f"type_{field}"


def field_value(field: str) -> str:
    """SQL: the field as text: a JSON string's value (unquoted), any other value's JSON text, null when the
    field is absent or JSON null. Extracted once per record by `parse_sql`."""
    return f"value_{field}"


def field_json(field: str) -> str:
    """SQL: the field's JSON text (a string quoted again), as the raw tables' keys are compared in
    (to_json); only keys and error messages need it."""
    kind, value = field_type(field), field_value(field)
    return f"(case when {kind} = 'VARCHAR' then to_json({value})::varchar else {value} end)"


def field_strings(field: str) -> str:
    """SQL: the field's list of strings as varchar[] (null when the field is absent or null)."""
    return f"json_extract_string({field_value(field)}, '$[*]')"


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
    return f"{json_kind(field_type(field))} || ' ' || left({field_json(field)}, 40)"


def required_string(field: str) -> list[Check]:
    """Present, not null, a JSON string, and not blank."""
    return [
        Check(f"{field_type(field)} is null", f"'{field} is missing'"),
        Check(f"{field_type(field)} = 'NULL'", f"'{field} is null'"),
        Check(
            f"{field_type(field)} not in ('VARCHAR', 'NULL')",
            f"'{field} is not a string (found ' || {_found(field)} || ')'",
        ),
        Check(
            # Blank: nothing but spaces, tabs, newlines, carriage returns or form feeds (RE2's \s).
            # ltrim of RE2's \s characters, cheaper than a regular expression over every description.
            # Only a value that starts with one of those pays for the ltrim copy.
            f"{field_type(field)} = 'VARCHAR' and ({field_value(field)} = '' or (ascii({field_value(field)}) in "
            f"(32, 9, 10, 12, 13) and ltrim({field_value(field)}, chr(32) || chr(9) || chr(10) || chr(12) "
            "|| chr(13)) = ''))",
            f"'{field} is empty'",
        ),
    ]


def string_list(field: str, required: bool) -> list[Check]:
    """A JSON array whose items are all strings (no nulls, numbers or objects)."""
    checks = [Check(f"{field_type(field)} is null", f"'{field} is missing'")] if required else []
    return [
        *checks,
        Check(f"{field_type(field)} = 'NULL'", f"'{field} is null; use [] for none'"),
        Check(
            f"{field_type(field)} not in ('ARRAY', 'NULL')",
            f"'{field} is not a list (found ' || {_found(field)} || ')'",
        ),
        Check(
            # json_type over '$[*]' gives each item's type in one call (no list of item texts to build).
            f"{field_type(field)} = 'ARRAY' and len(list_filter(json_type({field_value(field)}, '$[*]'), "
            "lambda item_type: item_type <> 'VARCHAR')) > 0",
            f"'{field} holds items that are not strings: ' || list_filter(json_extract("
            f"{field_value(field)}, '$[*]'), lambda item: json_type(item) <> 'VARCHAR')::varchar",
        ),
    ]


def integer_id(field: str) -> list[Check]:
    """A JSON integer that fits BIGINT."""
    return [
        Check(f"{field_type(field)} is null", f"'{field} is missing'"),
        Check(f"{field_type(field)} = 'NULL'", f"'{field} is null'"),
        Check(
            f"{field_type(field)} not in ('BIGINT', 'UBIGINT', 'NULL')",
            f"'{field} is not an integer (found ' || {_found(field)} || ')'",
        ),
        Check(
            f"{field_type(field)} = 'UBIGINT' and try_cast({field_value(field)} as bigint) is null",
            f"'{field} ' || {field_value(field)} || ' is larger than the largest BIGINT'",
        ),
    ]


def optional_timestamp(field: str, fmt: str) -> list[Check]:
    """Absent or null, or a string in `fmt` (strptime format) that is a real date and time."""
    return [
        Check(
            f"{field_type(field)} not in ('VARCHAR', 'NULL')",
            f"'{field} is not a string (found ' || {_found(field)} || ')'",
        ),
        Check(
            f"{field_type(field)} = 'VARCHAR' and (not regexp_full_match({field_value(field)}, "
            r"'\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}') "
            f"or try_strptime({field_value(field)}, '{fmt}') is null)",
            f"'{field} ' || {field_value(field)} || ' is not a date-time in YYYY-MM-DD HH:MM:SS form'",
        ),
    ]


def common_checks(fields: list[str]) -> list[Check]:
    """Checks every object record gets, whatever its source; `fields` are the ones its spec reads."""
    # A record whose key count equals the number of the spec's fields it holds has no repeated name (a
    # repeat or an unknown field would add a key): only the others pay for list_distinct.
    n_present = " + ".join(f"({field_type(field)} is not null)::integer" for field in fields)
    return [
        Check(
            f"len(record_keys) <> ({n_present}) and len(record_keys) <> len(list_distinct(record_keys))",
            "'the record repeats a field name (' || array_to_string(list_distinct(list_filter(record_keys, "
            "lambda k: len(list_filter(record_keys, lambda j: j = k)) > 1)), ', ') || '); which value counts "
            "is ambiguous'",
        ),
    ]


@dataclass(frozen=True)
class SourceSpec:
    """How one source file becomes one raw table."""

    name: str  # the raw table, e.g. projects
    key: str  # the field that identifies a record; repeated keys are all rejected
    checks: list[Check]
    columns: dict[str, str]  # raw column -> SQL expression over a valid record's field columns
    column_types: dict[str, str]  # raw column -> DuckDB type
    # True: every file is the complete source, so a load replaces the table (ids missing from the file are
    # deleted). False: a file holds new and changed records, upserted by key (the loader's --replace flag
    # makes one load complete).
    complete: bool = False
    # A key made of several fields (e.g. annotator, project_id, tag); empty means the single field `key`.
    key_fields: tuple[str, ...] = ()
    # Fields a record may leave out or set to null alike (both are good). The fast path (`fast_parse_sql`)
    # cannot tell an absent field from a null one, so a record missing any other field is re-checked.
    optional_fields: tuple[str, ...] = ()
    # True: each row stores `_record_hash`, the hash of its non-key columns, and a load recognises unchanged
    # records by it (large sources: no stored text is read again). False: compared column by column.
    stores_record_hash: bool = False

    @property
    def key_columns(self) -> tuple[str, ...]:
        """The fields (and raw columns) that together identify a record."""
        return self.key_fields or (self.key,)

    @property
    def fields(self) -> list[str]:
        """The record's fields that checks and columns read (each raw column is named after its field)."""
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
        "id": f"{field_value('id')}::bigint",
        "title": field_value("title"),
        "description": field_value("description"),
        "tags": field_strings("tags"),
        "created_on": field_value("created_on"),
    },
    column_types={
        "id": "bigint",
        "title": "varchar",
        "description": "varchar",
        "tags": "varchar[]",
        "created_on": "varchar",
    },
    optional_fields=("created_on",),
    stores_record_hash=True,
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
        "tag": field_value("tag"),
        "aliases": f"coalesce({field_strings('aliases')}, [])",
        "parents": f"coalesce({field_strings('parents')}, [])",
    },
    column_types={"tag": "varchar", "aliases": "varchar[]", "parents": "varchar[]"},
    complete=True,
    stores_record_hash=True,
)

# Every source the loader knows, by raw table name. A new source registers here with one entry.
SPECS: dict[str, SourceSpec] = {spec.name: spec for spec in (PROJECTS, TAGS)}


def parse_sql(spec: SourceSpec) -> str:
    """SQL select-list items over the element `record`, each parsing it once: `record_type`, `record_keys`
    (objects only), `field_types` and `field_values`: the json_type and the text (`field_value`) of each of
    the spec's fields, in `spec.fields` order (see `field_columns_sql`)."""
    paths = ", ".join(f"'$.{field}'" for field in spec.fields)
    return (
        # An element whose text starts with { is an object (read_json_objects hands over valid JSON): this
        # skips a full parse for nearly every record.
        "case when starts_with(record, '{') then 'OBJECT' else json_type(record) end as record_type, "
        "case when record_type = 'OBJECT' then json_keys(record) end as record_keys, "
        f"json_type(record, [{paths}]) as field_types, "
        f"json_extract_string(record, [{paths}]) as field_values"
    )


def field_columns_sql(spec: SourceSpec) -> str:
    """SQL select-list items `type_<name>` and `value_<name>`, one each per field, from the lists `parse_sql`
    makes. The lists come from the record in one parse each: reading a field's type or value never parses
    the field's text again (a description used to be un-escaped once per check that read it)."""
    types = [f"field_types[{i}] as {field_type(field)}" for i, field in enumerate(spec.fields, 1)]
    values = [f"field_values[{i}] as {field_value(field)}" for i, field in enumerate(spec.fields, 1)]
    return ", ".join(types + values)


def _failed_reasons_sql(checks: list[Check]) -> str:
    """SQL expression: null when no check fails, else every failed check's reason joined by '; '."""
    parts = ",\n            ".join(f"case when {c.fails} then {c.reason} end" for c in checks)
    return f"nullif(concat_ws('; ',\n            {parts}\n        ), '')"


def reason_sql(spec: SourceSpec) -> str:
    """SQL expression: null for a good record, else every failed check's reason joined by '; '."""
    not_object = "record_type <> 'OBJECT'"
    return (
        f"case when {not_object} then 'element is not a JSON object (found ' || {json_kind('record_type')} "
        f"|| ' ' || left(record, 40) || ')'\n"
        f"        else {_failed_reasons_sql([*common_checks(spec.fields), *spec.checks])} end"
    )


def fast_parse_sql(spec: SourceSpec) -> str:
    """SQL select-list items `type_<name>` and `value_<name>` over the fast path's landing table, which
    holds each field's JSON text in a column of its own (read_json with JSON columns: one parse of the
    record, no record text). Same meaning as `field_columns_sql`, except that an absent field and a JSON
    null are both SQL null here (reported as missing): `fast_suspect_sql` sends such records to the full
    checks."""
    # DuckDB writes each JSON column compactly (no leading whitespace), so a text starting with a quote is a
    # string and one starting with [ a list: no parse of a long description just to learn its type.
    types = [
        f"case when starts_with({field}, '\"') then 'VARCHAR' when starts_with({field}, '[') then 'ARRAY' "
        f"else json_type({field}) end as {field_type(field)}"
        for field in spec.fields
    ]
    # A string with no backslash has no escape: its value is the text between the quotes, no un-escaping.
    values = [
        f"case when starts_with({field}, '\"') and not contains({field}, '\\') then {field}[2:-2] "
        f"else {field} ->> '$' end as {field_value(field)}"
        for field in spec.fields
    ]
    return ", ".join(types + values)


def fast_reason_sql(spec: SourceSpec) -> str:
    """SQL: null when the fast path may keep the record as it is, else the reasons the spec's checks give on
    the fast columns. Only the spec's field checks run: DuckDB's read_json already refused the file if an
    element was not an object or repeated a field name, so the common checks cannot fail here."""
    return _failed_reasons_sql(spec.checks)


def fast_suspect_sql(spec: SourceSpec) -> str:
    """SQL: true when the fast path's verdict may differ from the full checks': a check failed, or a field
    that must not be null is absent or null (the two read alike here). Such records are re-checked in full."""
    unknown = [f"{field_type(field)} is null" for field in spec.fields if field not in spec.optional_fields]
    return " or ".join(["fast_reason is not null", *unknown])
