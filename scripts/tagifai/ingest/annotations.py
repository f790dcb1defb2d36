"""The `annotations` source: which tags each annotator gave each project, from a CSV or JSON file.

One record is one label: (annotator, project_id, tag, labeled_at). A project counts as annotated by an
annotator when the annotator gave it at least one tag. The key is (annotator, project_id, tag): inside one
file a repeated key is set aside with every copy (as a repeated project id is), and a later load of a
record with the same key replaces it (upsert), so re-sending a corrected file is safe.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb

from tagifai.ingest.load import METADATA_COLUMNS
from tagifai.ingest.records import (
    TIMESTAMP_FORMAT,
    Check,
    SourceSpec,
    field_type,
    field_value,
    integer_id,
    optional_timestamp,
    required_string,
)


def _required_timestamp(field: str) -> list[Check]:
    kind = field_type(field)
    return [
        Check(f"{kind} is null", f"'{field} is missing'"),
        Check(f"{kind} = 'NULL'", f"'{field} is null'"),
        *optional_timestamp(field, TIMESTAMP_FORMAT),
    ]


ANNOTATIONS = SourceSpec(
    name="annotations",
    key="(annotator, project_id, tag)",
    key_fields=("annotator", "project_id", "tag"),
    checks=[
        *required_string("annotator"),
        *integer_id("project_id"),
        *required_string("tag"),
        *_required_timestamp("labeled_at"),
    ],
    columns={
        "annotator": field_value("annotator"),
        "project_id": f"{field_value('project_id')}::bigint",
        "tag": field_value("tag"),
        "labeled_at": field_value("labeled_at"),
    },
    column_types={"annotator": "varchar", "project_id": "bigint", "tag": "varchar", "labeled_at": "varchar"},
)


# Example annotations (`make demo`, `tagifai-build --example-annotations FILE`) land in their own table with
# the same checks, so they are never mixed with, replaced by or compared with a real annotator's labels.
EXAMPLE_ANNOTATIONS = replace(ANNOTATIONS, name="example_annotations")


def ensure_raw_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create empty raw.annotations and raw.example_annotations when none were ever loaded, so dbt always
    finds them."""
    columns = {**ANNOTATIONS.column_types, **METADATA_COLUMNS}
    body = ", ".join(f"{name} {kind}" for name, kind in columns.items())
    con.execute("create schema if not exists raw")
    for spec in (ANNOTATIONS, EXAMPLE_ANNOTATIONS):
        con.execute(f"create table if not exists raw.{spec.name} ({body})")
