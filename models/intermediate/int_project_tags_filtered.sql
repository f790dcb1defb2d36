-- A table, not a view: five marts read it, and as a view each re-ran the whole unnest-resolve-expand chain.
{{ config(materialized='table') }}

-- The lesson's first filter: keep a project tag when it is a taxonomy tag (include) and not in the
-- excluded_tags seed (exclude). Matching is exact and case-sensitive, and a tag repeated inside one
-- project stays once per position, as pandas' list comprehension does. The input is the author's tags
-- after the optional alias resolution and parent expansion (both off by default: then exactly the
-- author's tags, as in the lesson).
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
