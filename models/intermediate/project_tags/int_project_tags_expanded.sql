with project_tags as (
    select
        project_id,
        tag_position,
        tag,
        source_tag,
        tag_source
    from {{ ref('int_project_tags_resolved') }}
),

{% if bool_var('expand_parents') %}
    -- A second, narrow import for the expansion: DuckDB materializes a CTE read more than once (this one is
    -- read three times), while project_tags, read once, streams through to final.
    project_tag_names as (
        select
            project_id,
            tag_position,
            tag
        from {{ ref('int_project_tags_resolved') }}
    ),

    ancestors as (
        select
            tag,
            ancestor,
            ancestor_depth
        from {{ ref('int_tag_ancestors_expanded') }}
        where is_ancestor_a_tag and not is_cycle
    ),

    candidate_parents as (
        select
            project_tag_names.project_id,
            project_tag_names.tag_position as child_position,
            project_tag_names.tag as child_tag,
            ancestors.ancestor as tag,
            ancestors.ancestor_depth
        from project_tag_names
        inner join ancestors on project_tag_names.tag = ancestors.tag
    ),

    -- Restricted to the projects that have candidates, so no distinct or group by runs over every project tag.
    existing_tags as (
        select distinct
            project_id,
            tag
        from project_tag_names
        where project_id in (select candidate_parents.project_id from candidate_parents)
    ),

    new_parents as (
        select
            candidate_parents.project_id,
            candidate_parents.child_position,
            candidate_parents.child_tag,
            candidate_parents.tag,
            candidate_parents.ancestor_depth,
            row_number() over (
                partition by candidate_parents.project_id, candidate_parents.tag
                order by candidate_parents.child_position, candidate_parents.ancestor_depth
            ) as occurrence
        from candidate_parents
        left join existing_tags
            on
                candidate_parents.project_id = existing_tags.project_id
                and candidate_parents.tag = existing_tags.tag
        where existing_tags.project_id is null
    ),

    last_positions as (
        select
            project_id,
            max(tag_position) as last_position
        from project_tag_names
        where project_id in (select new_parents.project_id from new_parents)
        group by project_id
    ),

    added_parents as (
        select
            new_parents.project_id,
            new_parents.tag,
            new_parents.child_tag as source_tag,
            'parent' as tag_source,
            last_positions.last_position + row_number() over (
                partition by new_parents.project_id
                order by new_parents.child_position, new_parents.ancestor_depth, new_parents.tag
            ) as tag_position
        from new_parents
        inner join last_positions on new_parents.project_id = last_positions.project_id
        where new_parents.occurrence = 1
    ),

    final as (
        select
            project_id,
            tag_position,
            tag,
            source_tag,
            tag_source
        from project_tags
        union all
        select
            project_id,
            tag_position,
            tag,
            source_tag,
            tag_source
        from added_parents
    )
{% else %}
    final as (
        select
            project_id,
            tag_position,
            tag,
            source_tag,
            tag_source
        from project_tags
    )
{% endif %}

select * from final
