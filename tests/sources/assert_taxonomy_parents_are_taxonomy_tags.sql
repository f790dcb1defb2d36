-- Every parent named in the taxonomy is itself a taxonomy tag (a warning: the real tags.json breaks it).
{{ config(severity='warn', store_failures=true, schema='test_failures') }}

with tags as (
    select * from {{ ref('stg_madewithml__tags') }}
),

parent_links as (
    select
        tags.tag,
        unnested_list.parent
    from tags
    {{ unnest_with_position('tags.parents', 'parent', 'parent_position') }}
),

final as (
    select
        parent_links.tag,
        parent_links.parent
    from parent_links
    where parent_links.parent not in (select tags.tag from tags)
)

select * from final
