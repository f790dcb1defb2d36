-- Incremental: the loader moves a project's loaded_at only when the project changes, so a run unnests the
-- new and changed projects and the post-hook deletes the stale rows. Spark (Parquet, no Delta) cannot
-- delete: there it is a table.
{{
    config(
        materialized=('table' if target.type == 'spark' else 'incremental'),
        incremental_strategy='append',
        on_schema_change='fail',
        post_hook=([] if target.type == 'spark' else "{{ delete_stale_project_rows(this) }}"),
    )
}}

with projects as (
    select
        project_id,
        tags,
        loaded_at
    from {{ ref('stg_madewithml__projects') }}
    {% if is_incremental() %}
        where loaded_at > (select coalesce(max(already_built.loaded_at), '1900-01-01') from {{ this }} as already_built)
    {% endif %}
),

final as (
    select
        projects.project_id,
        unnested_list.tag_position,
        unnested_list.tag,
        projects.loaded_at
    from projects
    {{ unnest_with_position('projects.tags', 'tag', 'tag_position') }}
)

select * from final
