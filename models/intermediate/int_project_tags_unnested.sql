-- Incremental because it is the step that grows with every project ever loaded (one row per tag, about
-- seven per project) while a load touches only new and changed projects: the loader rewrites a
-- project's raw row only when it changes, so `loaded_at` moves exactly then. A run appends the rows of
-- projects loaded after the newest row already here; the post-hook then deletes every row whose
-- (project_id, loaded_at) is no longer current, i.e. the old version of a changed project and the rows
-- of a project that was removed (macro delete_stale_project_rows, which leaves the delete out when the
-- run creates the table). `dbt build --full-refresh` gives the same table.
-- On Spark (Parquet, no Delta) a delete is impossible, so there it is rebuilt as a table every run.
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
