with parent_links as (
    select * from {{ ref('int_tag_parents_unnested') }}
),

aliases as (
    select * from {{ ref('int_tag_aliases_unnested') }}
),

ancestors as (
    select * from {{ ref('int_tag_ancestors_expanded') }}
),

variants as (
    select * from {{ ref('int_tag_name_variants_matched') }}
),

missing_parents as (
    select
        'parent_not_a_tag' as issue_type,
        parent_links.tag,
        parent_links.parent as related_name,
        coalesce(parent_links.parent_alias_of, variants.similar_tag) as suggested_tag,
        case
            when parent_links.parent_alias_of is not null
                then 'alias of ' || parent_links.parent_alias_of
            when variants.similar_tag is not null
                then variants.match_type || ' of ' || variants.similar_tag
            else 'not a taxonomy tag, alias or close variant'
        end as detail
    from parent_links
    left join variants on parent_links.parent = variants.tag_name
    where not parent_links.is_parent_a_tag
),

aliases_that_are_tags as (
    select
        'alias_is_a_tag' as issue_type,
        tag,
        alias as related_name,
        cast(null as {{ dbt.type_string() }}) as suggested_tag,
        'the alias is also a taxonomy tag: remove it from the aliases' as detail
    from aliases
    where is_alias_a_tag
),

shared_aliases as (
    select
        'alias_shared' as issue_type,
        tag,
        alias as related_name,
        cast(null as {{ dbt.type_string() }}) as suggested_tag,
        'the alias belongs to ' || cast(n_owner_tags as {{ dbt.type_string() }}) || ' tags: keep it on one' as detail
    from aliases
    where n_owner_tags > 1
),

cycles as (
    select
        'parent_cycle' as issue_type,
        tag,
        ancestor as related_name,
        cast(null as {{ dbt.type_string() }}) as suggested_tag,
        'the tag is its own ancestor ('
        || cast(ancestor_depth as {{ dbt.type_string() }})
        || ' links): remove one link' as detail
    from ancestors
    where is_cycle
),

final as (
    select * from missing_parents
    union all
    select * from aliases_that_are_tags
    union all
    select * from shared_aliases
    union all
    select * from cycles
)

select * from final
