-- Alias resolution (var resolve_aliases, off by default): a project tag that is an unambiguous alias
-- (`qa`, `labeling`, `chatbot`, ...) becomes its canonical tag. A resolved alias is dropped when the
-- project already has that tag (written by the author, or by an earlier alias), so resolution never
-- repeats a label; the author's own repeats stay, as in the lesson. With the var off every row passes
-- through unchanged (tag_source = 'author').
with project_tags as (
    select
        project_id,
        tag_position,
        tag
    from {{ ref('int_project_tags_unnested') }}
),

aliases as (
    select
        alias,
        tag
    from {{ ref('int_tag_aliases_unnested') }}
    where is_unambiguous and {{ var_flag('resolve_aliases') }}
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

ranked as (
    select
        project_id,
        tag_position,
        source_tag,
        tag,
        tag_source,
        row_number() over (partition by project_id, tag order by tag_position) as occurrence,
        max(case when tag_source = 'author' then 1 else 0 end) over (partition by project_id, tag) as has_author_tag
    from mapped
),

final as (
    select
        project_id,
        tag_position,
        tag,
        source_tag,
        tag_source
    from ranked
    where tag_source = 'author' or (occurrence = 1 and has_author_tag = 0)
)

select * from final
