-- How much and when each tag name is used by authors (taxonomy tag or not): the one pass over every
-- project tag that tag_taxonomy, unknown_tags and int_tag_name_variants_matched share (each used to make
-- its own pass over millions of rows). A table, so they read a few thousand rows. A project counts once
-- per tag at the tag's first position in its list (cheaper than count(distinct) over every row).
{{ config(materialized='table') }}

with project_tags as (
    select
        project_id,
        tag_position,
        tag
    from {{ ref('int_project_tags_unnested') }}
),

projects as (
    select
        project_id,
        tags,
        created_at
    from {{ ref('stg_madewithml__projects') }}
),

final as (
    select
        project_tags.tag,
        count(*) as n_uses,
        count(
            case
                when {{ list_first_position('projects.tags', 'project_tags.tag') }} = project_tags.tag_position
                    then 1
            end
        ) as n_projects,
        min(projects.created_at) as first_created_at,
        max(projects.created_at) as last_created_at
    from project_tags
    inner join projects on project_tags.project_id = projects.project_id
    group by project_tags.tag
)

select * from final
