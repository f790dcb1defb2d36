-- Every parent named in the taxonomy is itself a taxonomy tag (a warning). Links an analyst has reviewed
-- (seeds/reviewed_taxonomy_parents.csv) are known and not reported; a new broken link warns.
{{ config(severity='warn', store_failures=true, schema='test_failures') }}

with tags as (
    select * from {{ ref('stg_madewithml__tags') }}
),

reviewed_taxonomy_parents as (
    select * from {{ ref('reviewed_taxonomy_parents') }}
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
    left join reviewed_taxonomy_parents
        on
            parent_links.tag = reviewed_taxonomy_parents.tag
            and parent_links.parent = reviewed_taxonomy_parents.parent
    where
        parent_links.parent not in (select tags.tag from tags)
        and reviewed_taxonomy_parents.tag is null
)

select * from final
