-- The lesson's final dataset: each project with only the tags that pass the filter and the threshold,
-- in the author's order; projects left with no tag are dropped. Only what is known at prediction time
-- (id, title, description, text, created_on) sits beside the labels, so nothing leaks into features.
with projects as (
    select * from {{ ref('stg_madewithml__projects') }}
),

filtered_project_tags as (
    select * from {{ ref('int_project_tags_filtered') }}
),

kept_tags as (
    select tag from {{ ref('tag_frequencies') }}
    where is_kept
),

project_labels as (
    select
        filtered_project_tags.project_id,
        {{ ordered_list_agg('filtered_project_tags.tag', 'filtered_project_tags.tag_position') }} as tags
    from filtered_project_tags
    inner join kept_tags on filtered_project_tags.tag = kept_tags.tag
    group by filtered_project_tags.project_id
),

final as (
    select
        projects.project_id as id,
        projects.title,
        projects.description,
        projects.text,
        project_labels.tags,
        projects.created_at as created_on
    from projects
    inner join project_labels on projects.project_id = project_labels.project_id
)

select * from final
