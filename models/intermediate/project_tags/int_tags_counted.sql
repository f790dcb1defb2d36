-- A table: the taxonomy marts and tag_frequencies share this one pass over every project tag. It unnests
-- the lists itself rather than join int_project_tags_unnested back to the projects (a hash join of every
-- tag row), and counts a project once at the tag's first position (cheaper than count(distinct)).
{{ config(materialized='table') }}

with projects as (
    select
        tags,
        created_at
    from {{ ref('stg_madewithml__projects') }}
),

project_tags as (
    select
        unnested_list.tag,
        unnested_list.tag_position,
        projects.tags,
        projects.created_at
    from projects
    {{ unnest_with_position('projects.tags', 'tag', 'tag_position') }}
),

final as (
    select
        tag,
        count(*) as n_uses,
        count(case when {{ list_first_position('tags', 'tag') }} = tag_position then 1 end) as n_projects,
        min(created_at) as first_created_at,
        max(created_at) as last_created_at
    from project_tags
    group by tag
)

select * from final
