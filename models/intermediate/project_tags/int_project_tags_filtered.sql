-- A table, not a view: several marts read it, and as a view each would re-run the unnest-resolve-expand chain.
{{ config(materialized='table') }}

with project_tags as (
    select * from {{ ref('int_project_tags_expanded') }}
),

taxonomy_tags as (
    select tag from {{ ref('stg_madewithml__tags') }}
),

excluded_tags as (
    select tag from {{ ref('excluded_tags') }}
),

final as (
    select
        project_tags.project_id,
        project_tags.tag_position,
        project_tags.tag
    from project_tags
    where
        project_tags.tag in (select taxonomy_tags.tag from taxonomy_tags)
        and project_tags.tag not in (select excluded_tags.tag from excluded_tags)
)

select * from final
