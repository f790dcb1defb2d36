{%- set project_id = integer_var('project_id', 445) %}

with project_tags as (
    select * from {{ ref('int_project_tags_unnested') }}
    where project_id = {{ project_id }}
),

taxonomy as (
    select * from {{ ref('tag_taxonomy') }}
),

unknown_tags as (
    select * from {{ ref('unknown_tags') }}
),

labeled_projects as (
    select * from {{ ref('labeled_projects') }}
    where id = {{ project_id }}
),

final as (
    select
        project_tags.tag_position,
        project_tags.tag,
        unknown_tags.similar_tag,
        case
            when taxonomy.tag is null then 'not a taxonomy tag'
            when taxonomy.is_excluded then 'excluded (excluded_tags seed)'
            when not taxonomy.is_label
                then 'below min_tag_freq (' || cast(taxonomy.label_frequency as {{ dbt.type_string() }}) || ' uses)'
            else 'label'
        end as outcome,
        (select count(*) from labeled_projects) = 1 as is_project_labeled
    from project_tags
    left join taxonomy on project_tags.tag = taxonomy.tag
    left join unknown_tags on project_tags.tag = unknown_tags.tag
)

select * from final
order by tag_position asc
