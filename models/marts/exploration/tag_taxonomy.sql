with tags as (
    select * from {{ ref('stg_madewithml__tags') }}
),

parent_links as (
    select * from {{ ref('int_tag_parents_unnested') }}
),

ancestors as (
    select * from {{ ref('int_tag_ancestors_expanded') }}
),

aliases as (
    select * from {{ ref('int_tag_aliases_unnested') }}
),

tag_counts as (
    select * from {{ ref('int_tags_counted') }}
),

tag_frequencies as (
    select * from {{ ref('tag_frequencies') }}
),

excluded_tags as (
    select tag from {{ ref('excluded_tags') }}
),

children as (
    select
        parent as tag,
        {{ ordered_list_agg('tag', 'tag') }} as children
    from parent_links
    group by parent
),

ancestor_lists as (
    select
        tag,
        {{ ordered_list_agg('ancestor', 'ancestor') }} as ancestors
    from ancestors
    where not is_cycle
    group by tag
),

direct_use as (
    select
        tag,
        n_uses,
        n_projects
    from tag_counts
),

alias_use as (
    select
        aliases.tag,
        cast(sum(tag_counts.n_uses) as bigint) as n_alias_uses
    from tag_counts
    inner join aliases on tag_counts.tag = aliases.alias
    where aliases.is_unambiguous
    group by aliases.tag
),

final as (
    select
        tags.tag,
        tags.aliases,
        tags.parents,
        coalesce(children.children, {{ empty_string_list() }}) as children,
        coalesce(ancestor_lists.ancestors, {{ empty_string_list() }}) as ancestors,
        coalesce(direct_use.n_uses, 0) as n_uses,
        coalesce(direct_use.n_projects, 0) as n_projects,
        coalesce(alias_use.n_alias_uses, 0) as n_alias_uses,
        tags.tag in (select excluded_tags.tag from excluded_tags) as is_excluded,
        coalesce(tag_frequencies.is_kept, false) as is_label,
        tag_frequencies.frequency as label_frequency
    from tags
    left join children on tags.tag = children.tag
    left join ancestor_lists on tags.tag = ancestor_lists.tag
    left join direct_use on tags.tag = direct_use.tag
    left join alias_use on tags.tag = alias_use.tag
    left join tag_frequencies on tags.tag = tag_frequencies.tag
)

select * from final
