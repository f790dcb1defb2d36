-- Every loaded project has exactly one tag_model_predictions row per kept tag, and no other project does:
-- a project the incremental scoring skipped, or a batch it dropped, is named here with what it has.
{{ config(tags=['duckdb_only']) }}

with projects as (
    select project_id from {{ ref('stg_madewithml__projects') }}
),

kept_tags as (
    select tag from {{ ref('tag_frequencies') }}
    where is_kept
),

n_kept as (
    select count(*) as n_kept_tags from kept_tags
),

prediction_counts as (
    select
        predictions.project_id,
        count(*) as n_rows,
        count(kept_tags.tag) as n_kept_tag_rows
    from {{ ref('tag_model_predictions') }} as predictions
    left join kept_tags on predictions.tag = kept_tags.tag
    group by predictions.project_id
),

final as (
    select
        n_kept.n_kept_tags,
        coalesce(projects.project_id, prediction_counts.project_id) as project_id,
        projects.project_id is not null as is_loaded,
        coalesce(prediction_counts.n_rows, 0) as n_rows,
        coalesce(prediction_counts.n_kept_tag_rows, 0) as n_kept_tag_rows
    from projects
    full outer join prediction_counts on projects.project_id = prediction_counts.project_id
    cross join n_kept
    where
        projects.project_id is null
        or prediction_counts.project_id is null
        or prediction_counts.n_rows <> n_kept.n_kept_tags
        or prediction_counts.n_kept_tag_rows <> n_kept.n_kept_tags
)

select * from final
