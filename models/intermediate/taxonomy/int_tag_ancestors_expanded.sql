{%- set max_depth = integer_var('max_parent_depth', min_value=1) %}

with parent_links as (
    select
        tag,
        {% if bool_var('resolve_aliases') -%}
            coalesce(parent_alias_of, parent) as parent
        {%- else -%}
            parent
        {%- endif %}
    from {{ ref('int_tag_parents_unnested') }}
),

taxonomy_tags as (
    select tag from {{ ref('stg_madewithml__tags') }}
),

depth_1 as (
    select
        tag,
        parent as ancestor,
        1 as ancestor_depth
    from parent_links
),

{% for depth in range(2, max_depth + 1) %}
    depth_{{ depth }} as (
        select
            depth_{{ depth - 1 }}.tag,
            parent_links.parent as ancestor,
            {{ depth }} as ancestor_depth
        from depth_{{ depth - 1 }}
        inner join parent_links on depth_{{ depth - 1 }}.ancestor = parent_links.tag
        where depth_{{ depth - 1 }}.tag <> depth_{{ depth - 1 }}.ancestor
    ),

{% endfor %}

all_paths as (
    {% for depth in range(1, max_depth + 1) %}
        select
            tag,
            ancestor,
            ancestor_depth
        from depth_{{ depth }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        all_paths.tag,
        all_paths.ancestor,
        min(all_paths.ancestor_depth) as ancestor_depth,
        all_paths.tag = all_paths.ancestor as is_cycle,
        all_paths.ancestor in (select taxonomy_tags.tag from taxonomy_tags) as is_ancestor_a_tag
    from all_paths
    group by all_paths.tag, all_paths.ancestor
)

select * from final
