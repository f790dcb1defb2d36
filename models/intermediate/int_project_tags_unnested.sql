with projects as (
    select
        project_id,
        tags
    from {{ ref('stg_madewithml__projects') }}
),

final as (
    select
        projects.project_id,
        unnested_list.tag_position,
        unnested_list.tag
    from projects
    {{ unnest_with_position('projects.tags', 'tag', 'tag_position') }}
)

select * from final
