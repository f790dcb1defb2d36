-- One row per dataset release (tagifai-release), numbered oldest first as `tagifai-release list` orders
-- them (release_number: a view's rows come in no guaranteed order, so readers order by it), with the
-- previous release to diff against and the one `tagifai.dataset.load()` returns. A view over the
-- staging view of the manifests: it lists the release folder as it is when queried (docs/releases.md).
{{ config(materialized='view', tags=['duckdb_only']) }}

with manifests as (
    select * from {{ ref('stg_releases__manifests') }}
),

ordered as (
    select
        *,
        row_number() over (order by released_at asc, release_version asc) as release_number,
        lag(release_version) over (order by released_at asc, release_version asc) as previous_version,
        row_number() over (order by released_at desc, release_version desc) = 1 as is_latest
    from manifests
),

final as (
    select
        ordered.release_version,
        ordered.release_number,
        ordered.previous_version,
        ordered.is_latest,
        ordered.released_at,
        ordered.content_hash,
        ordered.row_count,
        ordered.tag_count,
        ordered.min_tag_freq,
        ordered.resolve_aliases,
        ordered.expand_parents,
        ordered.max_parent_depth,
        ordered.excluded_tags,
        ordered.excluded_tags_hash,
        ordered.labeling_functions_version,
        ordered.git_commit,
        ordered.git_dirty,
        ordered.dbt_version,
        ordered.duckdb_version,
        ordered.tagifai_version,
        ordered.build_invocation_id,
        ordered.built_at,
        ordered.load_ids,
        ordered.n_tests_passed,
        ordered.n_tests_warned,
        ordered.n_tests_failed,
        ordered.warned_tests,
        ordered.release_path,
        cast(len(ordered.gate_results) as integer) as n_gates,
        cast(len(list_filter(ordered.gate_results, lambda result: result.passed)) as integer) as n_gates_passed,
        array_to_string(
            list_transform(
                ordered.gate_results,
                lambda result: result.gate || (case when result.passed then ' passed' else ' failed' end)
                || ' (' || coalesce(result.detail, '') || ')'
            ),
            '; '
        ) as gate_summary
    from ordered
)

select * from final
