with tags as (
    select
        tag,
        aliases
    from {{ ref('stg_madewithml__tags') }}
),

alias_links as (
    select
        tags.tag,
        unnested_list.alias,
        unnested_list.alias_position
    from tags
    {{ unnest_with_position('tags.aliases', 'alias', 'alias_position') }}
),

alias_owners as (
    select
        alias,
        count(distinct tag) as n_owner_tags
    from alias_links
    group by alias
),

final as (
    select
        alias_links.tag,
        alias_links.alias,
        alias_links.alias_position,
        alias_owners.n_owner_tags,
        alias_links.alias in (select tags.tag from tags) as is_alias_a_tag,
        alias_owners.n_owner_tags = 1
        and alias_links.alias not in (select tags.tag from tags) as is_unambiguous
    from alias_links
    inner join alias_owners on alias_links.alias = alias_owners.alias
)

select * from final
