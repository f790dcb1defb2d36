with tags as (
    select
        tag,
        parents
    from {{ ref('stg_madewithml__tags') }}
),

aliases as (
    select
        alias,
        tag
    from {{ ref('int_tag_aliases_unnested') }}
    where is_unambiguous
),

parent_links as (
    select
        tags.tag,
        unnested_list.parent,
        unnested_list.parent_position
    from tags
    {{ unnest_with_position('tags.parents', 'parent', 'parent_position') }}
),

final as (
    select
        parent_links.tag,
        parent_links.parent,
        parent_links.parent_position,
        aliases.tag as parent_alias_of,
        parent_links.parent in (select tags.tag from tags) as is_parent_a_tag
    from parent_links
    left join aliases on parent_links.parent = aliases.alias
)

select * from final
