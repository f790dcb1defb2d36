-- How much and when each tag name is used by authors (taxonomy tag or not): the one pass over every
-- project tag that tag_taxonomy, unknown_tags and int_tag_name_variants_matched share (each used to make
-- its own pass over millions of rows). A table, so they read a few thousand rows. A project counts once
-- per tag at the tag's first position in its list (cheaper than count(distinct) over every row).
-- It unnests the projects' lists itself, the list and created_at at hand on every row, rather than
-- joining int_project_tags_unnested back to the projects (a hash join of every tag row: 3x slower at 2M).
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
