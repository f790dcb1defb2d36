-- No alias is a taxonomy tag or belongs to two tags, so a project tag resolves to one canonical tag at most.
{#- An error only when aliases are resolved (the labels would depend on the clash): as an error it skips every
    model downstream of the taxonomy, marts.taxonomy_issues included, the mart that reports the clash and its
    fix. With resolve_aliases off (the default) it warns, and the mart lists the rows to fix. -#}
{{ config(severity=('error' if tagifai.bool_var('resolve_aliases') else 'warn')) }}
with tags as (
    select * from {{ ref('stg_madewithml__tags') }}
),

alias_links as (
    select
        tags.tag,
        unnested_list.alias
    from tags
    {{ unnest_with_position('tags.aliases', 'alias', 'alias_position') }}
),

alias_owner_counts as (
    select
        alias,
        count(*) as n_tags
    from alias_links
    group by alias
),

final as (
    select
        alias_links.tag,
        alias_links.alias,
        'alias is also a taxonomy tag' as problem
    from alias_links
    where alias_links.alias in (select tags.tag from tags)
    union all
    select
        alias_links.tag,
        alias_links.alias,
        'alias belongs to more than one tag' as problem
    from alias_links
    inner join alias_owner_counts on alias_links.alias = alias_owner_counts.alias
    where alias_owner_counts.n_tags > 1
)

select * from final
