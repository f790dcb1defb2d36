-- What happened to one project's tags? Every tag the author wrote, in order, and why it is or is not a
-- label. `dbt show --select project_tags --vars '{project_id: 445}'`.
with project_tags as (
    select * from {{ ref('int_project_tags_unnested') }}
    where project_id = {{ var('project_id', 445) }}
),

taxonomy as (
    select * from {{ ref('tag_taxonomy') }}
),

unknown_tags as (
    select * from {{ ref('unknown_tags') }}
),

labeled_projects as (
    select * from {{ ref('labeled_projects') }}
    where id = {{ var('project_id', 445) }}
),

final as (
    select
        project_tags.tag_position,
        project_tags.tag,
        unknown_tags.similar_tag,
        case
            when taxonomy.tag is null then 'not a taxonomy tag'
            when taxonomy.is_excluded then 'excluded (excluded_tags seed)'
            when not taxonomy.is_label then 'below min_tag_freq (' || cast(taxonomy.label_frequency as {{ dbt.type_string() }}) || ' uses)'
            else 'label'
        end as outcome,
        (select count(*) from labeled_projects) = 1 as is_project_labeled
    from project_tags
    left join taxonomy on project_tags.tag = taxonomy.tag
    left join unknown_tags on project_tags.tag = unknown_tags.tag
)

select * from final
order by tag_position asc
