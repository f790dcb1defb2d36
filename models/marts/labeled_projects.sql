-- Two paths to the same labels (macro tag_lists_change): with the lesson's rules each project's own list is
-- filtered in place, with no unnest and re-aggregation; with alias resolution or parent expansion on, the
-- kept rows of int_project_tags_filtered are aggregated in tag_position order.
--
-- Incremental by project (macros/incremental/project_batch.sql): a row depends on its project and on what
-- every project shares (labeled_projects_shared_inputs: the kept tags, the taxonomy, the vars). A change of
-- the shared part rebuilds every row; otherwise only the projects loaded since the last build are built.
{{ project_batch_config('labeled_projects_shared_inputs', 'id') }}
-- depends_on: {{ ref('stg_madewithml__tags') }}
{%- set batch = project_batch(labeled_projects_shared_inputs()) %}
with projects as (
    select * from {{ ref('stg_madewithml__projects') }}
    where {{ project_batch_filter(batch, 'loaded_at') }}
),

kept_tags as (
    select tag from {{ ref('tag_frequencies') }}
    where is_kept
),

{% if tag_lists_change() %}
    filtered_project_tags as (
        select * from {{ ref('int_project_tags_filtered') }}
    ),

    labels as (
        select
            filtered_project_tags.project_id,
            {{ ordered_list_agg('filtered_project_tags.tag', 'filtered_project_tags.tag_position') }} as tags
        from filtered_project_tags
        inner join kept_tags on filtered_project_tags.tag = kept_tags.tag
        {%- if not batch.is_full %}
            where filtered_project_tags.project_id in (
                select changed.project_id from {{ ref('stg_madewithml__projects') }} as changed
                where {{ project_batch_filter(batch, 'changed.loaded_at') }}
            )
        {%- endif %}
        group by filtered_project_tags.project_id
    ),

    final as (
        select
            projects.project_id as id,
            projects.title,
            projects.description,
            projects.text,
            labels.tags,
            projects.created_at as created_on
        from projects
        inner join labels on projects.project_id = labels.project_id
    )
{% else %}
    kept_tag_list as (
        select {{ ordered_list_agg('tag', 'tag') }} as tags
        from kept_tags
    ),

    filtered_in_place as (
        select
            projects.project_id as id,
            projects.title,
            projects.description,
            projects.text,
            {{ list_filter_in('projects.tags', 'kept_tag_list.tags') }} as tags,
            projects.created_at as created_on
        from projects
        cross join kept_tag_list
    ),

    final as (
        select * from filtered_in_place
        where {{ list_length('tags') }} > 0
    )
{% endif %}

select * from final
