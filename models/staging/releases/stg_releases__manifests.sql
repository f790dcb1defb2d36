-- One row per complete release in the release folder (macro release_dir): each <version>/manifest.json
-- that tagifai-release wrote, read when the view is queried, so a release made after the build is listed
-- without building again, and a folder with no release yet gives no rows. It skips what
-- `tagifai-release list` skips: hidden (interrupted) folders, and manifests that are not valid JSON, of
-- another format, or naming another version than their folder. A listing: `load` verifies the files.
-- The files are not a warehouse table, so there is no source() to read; DuckDB only (read_text).
{{ config(tags=['duckdb_only']) }}

with manifest_files as (
    select
        filename as manifest_path,
        content
    from read_text({{ sql_string_literal(release_dir() ~ '/*/manifest.json') }})
),

parsed as (
    select
        manifest_path,
        regexp_extract(manifest_path, '([^/]+)/manifest\.json$', 1) as folder_name,
        case when json_valid(content) then cast(content as json) end as manifest
    from manifest_files
),

complete as (
    select *
    from parsed
    where
        regexp_full_match(folder_name, '[A-Za-z0-9][A-Za-z0-9._-]{0,63}')
        and not contains(folder_name, '..')
        and manifest ->> '$.format' = '1'
        and manifest ->> '$.version' = folder_name
),

final as (
    select
        manifest ->> '$.version' as release_version,
        -- tagifai-release writes it in UTC (+00:00): the first 19 characters are the UTC time.
        try_cast(left(manifest ->> '$.released_at', 19) as timestamp) as released_at,
        manifest ->> '$.content_hash' as content_hash,
        try_cast(manifest ->> '$.row_count' as bigint) as row_count,
        coalesce(len(json_keys(manifest -> '$.tag_counts')), 0) as tag_count,
        try_cast(manifest ->> '$.labeling.min_tag_freq' as integer) as min_tag_freq,
        try_cast(manifest ->> '$.labeling.resolve_aliases' as boolean) as resolve_aliases,
        try_cast(manifest ->> '$.labeling.expand_parents' as boolean) as expand_parents,
        try_cast(manifest ->> '$.labeling.max_parent_depth' as integer) as max_parent_depth,
        manifest ->> '$.labeling.excluded_tags[*]' as excluded_tags,
        manifest ->> '$.labeling.excluded_tags_hash' as excluded_tags_hash,
        manifest ->> '$.labeling.labeling_functions_version' as labeling_functions_version,
        manifest ->> '$.code.git_commit' as git_commit,
        try_cast(manifest ->> '$.code.git_dirty' as boolean) as git_dirty,
        manifest ->> '$.code.dbt_version' as dbt_version,
        manifest ->> '$.code.duckdb_version' as duckdb_version,
        manifest ->> '$.code.tagifai_version' as tagifai_version,
        manifest ->> '$.build.invocation_id' as build_invocation_id,
        try_cast(manifest ->> '$.build.built_at' as timestamp) as built_at,
        manifest ->> '$.build.load_ids[*]' as load_ids,
        coalesce(try_cast(manifest ->> '$.build.tests.pass' as bigint), 0) as n_tests_passed,
        coalesce(try_cast(manifest ->> '$.build.tests.warn' as bigint), 0) as n_tests_warned,
        coalesce(try_cast(manifest ->> '$.build.tests.fail' as bigint), 0)
        + coalesce(try_cast(manifest ->> '$.build.tests.error' as bigint), 0) as n_tests_failed,
        manifest ->> '$.build.warnings[*].test' as warned_tests,
        from_json(
            manifest -> '$.gates.results', '[{"gate": "VARCHAR", "passed": "BOOLEAN", "detail": "VARCHAR"}]'
        ) as gate_results,
        regexp_replace(manifest_path, '/manifest\.json$', '') as release_path
    from complete
)

select * from final
