"""What a release reads from the warehouse: the dataset, the build that made it, its parameters and inputs.

The build is found through build_log.build_results (written by dbt's on-run-end hook record_build_results):
the latest invocation in which model.tagifai.labeled_projects succeeded. Its parameters are its row of
marts.build_history. Every test run since then (that build's, and any later `dbt test`) counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from tagifai.release.store import ReleaseError, file_sha256

LABELED_PROJECTS = "model.tagifai.labeled_projects"


@dataclass
class BuildRecord:
    invocation_id: str
    built_at: str
    tests: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> tuple | None:
    """The first row of `sql`, or None; reads the whole result (DuckDB wants a result finished before the next)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    sql = "select count(*) from information_schema.tables where table_schema = ? and table_name = ?"
    return bool(_one(con, sql, [schema, name])[0])


def build_record(con: duckdb.DuckDBPyConnection, db_path: Path) -> BuildRecord:
    """The build that made marts.labeled_projects, and the latest result of every test run since it."""
    if not _has_table(con, "build_log", "build_results"):
        raise ReleaseError(f"{db_path}: no dbt build recorded (build_log.build_results); run `make build` first")
    found = _one(
        con,
        """
        select invocation_id, cast(max(run_started_at) as varchar)
        from build_log.build_results
        where unique_id = ? and status = 'success'
        group by invocation_id
        order by max(run_started_at) desc
        limit 1
        """,
        [LABELED_PROJECTS],
    )
    if found is None:
        raise ReleaseError(f"{db_path}: no recorded build built marts.labeled_projects; run `make build` first")
    record = BuildRecord(invocation_id=found[0], built_at=found[1])
    # The latest result of each node since that build: a later `dbt test` re-judges the same rows, so a
    # test counts once, with its newest verdict (a failure found after the build still blocks).
    rows = con.execute(
        """
        select node_name, resource_type, status, coalesce(failures, 0), message
        from build_log.build_results
        where run_started_at >= cast(? as timestamp)
        qualify row_number() over (partition by unique_id order by run_started_at desc) = 1
        order by node_name
        """,
        [record.built_at],
    ).fetchall()
    for name, resource_type, status, failures, message in rows:
        if resource_type == "test":
            record.tests[status] = record.tests.get(status, 0) + 1
        if status == "warn":
            record.warnings.append({"test": name, "failures": failures})
        elif status in ("error", "fail", "runtime error"):  # a failing warn-severity test is 'warn'
            record.errors.append({"node": name, "status": status, "failures": failures, "message": message})
    return record


def build_parameters(con: duckdb.DuckDBPyConnection, db_path: Path, invocation_id: str) -> dict[str, Any]:
    """The parameters that build recorded in marts.build_history."""
    if not _has_table(con, "marts", "build_history"):
        raise ReleaseError(f"{db_path}: marts.build_history is missing; run `make build` first")
    relation = con.execute("select * from marts.build_history where invocation_id = ?", [invocation_id])
    columns = [column[0] for column in relation.description]
    rows = relation.fetchall()
    row = rows[0] if rows else None
    if row is None:
        raise ReleaseError(
            f"{db_path}: marts.build_history has no row for build {invocation_id}, which made "
            "labeled_projects; build build_history with it (make build does)"
        )
    params = dict(zip(columns, row, strict=True))
    params["vars"] = json.loads(params.pop("vars_json"))
    params["built_at"] = str(params["built_at"])
    return params


def check_parameters_agree(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """ReleaseError when a table was built with other dataset parameters than marts.labeled_projects (a
    partial run: marts.build_parameters marks it stale): the release would not be what the marts describe."""
    if not _has_table(con, "marts", "build_parameters"):
        raise ReleaseError(f"{db_path}: marts.build_parameters is missing; run `dbt build` (or make build) first")
    stale = con.execute(
        "select node_name, parameters_json from marts.build_parameters where is_stale order by node_name"
    ).fetchall()
    if stale:
        dataset = _one(con, "select parameters_json from marts.build_parameters where node_name = 'labeled_projects'")
        listed = ", ".join(name for name, _ in stale)
        raise ReleaseError(
            f"{db_path}: release refused, nothing written: marts.labeled_projects was built with "
            f"{dataset[0] if dataset else '?'}, and {len(stale)} tables with other dataset parameters ({listed}). "
            "Run `dbt build` with one set of --vars for all (select * from marts.build_parameters where is_stale)"
        )


# The sources whose files make labeled_projects (raw.load_log also lists annotation loads).
DATASET_SOURCES = ("projects", "tags")


def inputs(con: duckdb.DuckDBPyConnection, built_at: str) -> list[dict[str, Any]]:
    """The files the build that started at `built_at` (UTC) was made from, per source, oldest load first.

    From raw.load_log, not from the rows: the loader keeps an unchanged row as the load that first brought
    it wrote it, so the rows of a file loaded again unchanged still name the earlier file. Each source
    lists its latest load before the build (the file it was built from, even when nothing in it changed),
    the latest complete load (one that replaced the table) and every load since that still holds rows:
    what an upsert of a partial file leaves beside the complete one. `n_rows_written` counts the current
    rows each load wrote; the local files are hashed now (the loader does not record a file's hash).
    """
    rows = con.execute(
        """
        with loads as (
            select load_id, source_name, source_uri, n_records, replaced_all, loaded_at
            from raw.load_log
            where
                source_name in (select unnest(?))
                -- built_at has whole seconds: a load that committed in the second the build started counts.
                and loaded_at < timezone('UTC', cast(? as timestamp)) + interval 1 second
        ),

        ranked as (
            select
                *,
                row_number() over (partition by source_name order by loaded_at desc, load_id desc) as recency,
                max(case when replaced_all then loaded_at end) over (partition by source_name) as last_complete_at
            from loads
        ),

        written as (
            select 'projects' as source_name, load_id, count(*) as n_rows
            from staging.stg_madewithml__projects group by all
            union all
            select 'tags', load_id, count(*) from staging.stg_madewithml__tags group by all
        )

        select
            ranked.source_name, ranked.source_uri, ranked.load_id,
            strftime(timezone('UTC', ranked.loaded_at), '%Y-%m-%dT%H:%M:%S.%f+00:00'),
            ranked.n_records, coalesce(written.n_rows, 0), ranked.replaced_all, ranked.recency = 1
        from ranked
        left join written on ranked.source_name = written.source_name and ranked.load_id = written.load_id
        where
            ranked.recency = 1
            or ranked.loaded_at = ranked.last_complete_at
            or (ranked.loaded_at > coalesce(ranked.last_complete_at, '-infinity') and written.n_rows > 0)
        order by ranked.source_name, ranked.loaded_at, ranked.load_id
        """,
        [list(DATASET_SOURCES), built_at],
    ).fetchall()
    found = []
    for source_name, uri, load_id, loaded_at, n_records, n_rows, replaced_all, latest in rows:
        path = Path(uri)
        local = "://" not in uri and path.is_file()
        found.append(
            {
                "source": source_name,
                "uri": uri,
                "load_id": load_id,
                "loaded_at": loaded_at,
                "n_records": n_records,
                "n_rows_written": n_rows,
                "replaced_all": replaced_all,
                "latest_load": latest,
                "sha256": file_sha256(path) if local else None,
            }
        )
    return found


def metrics(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """What the gates measure: labeled share, tags kept, worst tag's annotator discrepancy (None: not measured)."""
    n_projects = _one(con, "select count(*) from staging.stg_madewithml__projects")[0]
    n_labeled, n_tags = _one(
        con, "select count(distinct id), count(distinct tag) from marts.labeled_projects, unnest(tags) as t(tag)"
    )
    discrepancy = None
    if _has_table(con, "marts", "annotator_agreement"):
        row = _one(
            con,
            """
            select max(discrepancy_rate) from marts.annotator_agreement
            where comparison = 'all annotators' and tag <> 'all tags'
            """,
        )
        discrepancy = None if row is None else row[0]
    return {
        "n_projects": n_projects,
        "n_labeled_projects": n_labeled,
        "labeled_share": n_labeled / n_projects if n_projects else 0.0,
        "n_tags_kept": n_tags,
        "annotator_discrepancy": discrepancy,
    }


def tag_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = con.execute(
        "select tag, count(*) from marts.labeled_projects, unnest(tags) as t(tag) group by tag order by tag"
    ).fetchall()
    return dict(rows)
