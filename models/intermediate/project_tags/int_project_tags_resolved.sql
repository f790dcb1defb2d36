with project_tags as (
    select
        project_id,
        tag_position,
        tag
    from {{ ref('int_project_tags_unnested') }}
),

{% if bool_var('resolve_aliases') %}
    aliases as (
        select
            alias,
            tag
        from {{ ref('int_tag_aliases_unnested') }}
        where is_unambiguous
    ),

    mapped as (
        select
            project_tags.project_id,
            project_tags.tag_position,
            project_tags.tag as source_tag,
            coalesce(aliases.tag, project_tags.tag) as tag,
            case when aliases.tag is null then 'author' else 'alias' end as tag_source
        from project_tags
        left join aliases on project_tags.tag = aliases.alias
    ),

    -- Only the resolved aliases need the checks below: no window or join runs over every project tag.
    author_tags as (
        select
            project_id,
            tag_position,
            tag,
            source_tag,
            tag_source
        from mapped
        where tag_source = 'author'
    ),

    alias_tags as (
        select
            project_id,
            tag_position,
            tag,
            source_tag,
            tag_source,
            row_number() over (partition by project_id, tag order by tag_position) as occurrence
        from mapped
        where tag_source = 'alias'
    ),

    -- The author's tags of just the projects that have a resolved alias, so the check joins two small sets.
    author_tags_beside_aliases as (
        select
            project_id,
            tag
        from author_tags
        where project_id in (select alias_tags.project_id from alias_tags)
    ),

    new_alias_tags as (
        select
            alias_tags.project_id,
            alias_tags.tag_position,
            alias_tags.tag,
            alias_tags.source_tag,
            alias_tags.tag_source
        from alias_tags
        left join author_tags_beside_aliases
            on
                alias_tags.project_id = author_tags_beside_aliases.project_id
                and alias_tags.tag = author_tags_beside_aliases.tag
        where alias_tags.occurrence = 1 and author_tags_beside_aliases.project_id is null
    ),

    final as (
        select * from author_tags
        union all
        select * from new_alias_tags
    )
{% else %}
    final as (
        select
            project_id,
            tag_position,
            tag,
            tag as source_tag,
            'author' as tag_source
        from project_tags
    )
{% endif %}

select * from final
