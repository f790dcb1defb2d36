-- One row per dataset release (tagifai-release), oldest first as `tagifai-release list` orders them, with
-- the previous release to diff against and the one `tagifai.dataset.load()` returns. A view over the
-- staging view of the manifests: it lists the release folder as it is when queried (docs/releases.md).
{{ config(materialized='view', tags=['duckdb_only']) }}

with manifests as (
    select * from {{ ref('stg_releases__manifests') }}
),

ordered as (
    select
        *,
        row_number() over (order by released_at asc, release_version asc) as release_number,
        count(*) over () as n_releases
    from manifests
),

final as (
    select
        release_version,
        release_number,
        lag(release_version) over (order by release_number asc) as previous_version,
        release_number = n_releases as is_latest,
        released_at,
        content_hash,
        row_count,
        tag_count,
        min_tag_freq,
        resolve_aliases,
        expand_parents,
        max_parent_depth,
        excluded_tags,
        excluded_tags_hash,
        labeling_functions_version,
        git_commit,
        git_dirty,
        dbt_version,
        duckdb_version,
        tagifai_version,
        build_invocation_id,
        built_at,
        load_ids,
        n_tests_passed,
        n_tests_warned,
        n_tests_failed,
        warned_tests,
        cast(len(gate_results) as integer) as n_gates,
        cast(len(list_filter(gate_results, lambda result: result.passed)) as integer) as n_gates_passed,
        array_to_string(
            list_transform(
                gate_results,
                lambda result: result.gate || (case when result.passed then ' passed' else ' failed' end)
                || ' (' || coalesce(result.detail, '') || ')'
            ),
            '; '
        ) as gate_summary,
        release_path
    from ordered
)

select * from final
