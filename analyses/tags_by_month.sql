with labeled_projects as (
    select * from {{ ref('labeled_projects') }}
),

labels as (
    select
        labeled_projects.id,
        unnested_list.tag,
        cast(date_trunc('month', labeled_projects.created_on) as date) as created_month
    from labeled_projects
    {{ unnest_with_position('labeled_projects.tags', 'tag', 'tag_position') }}
),

final as (
    select
        created_month,
        tag,
        count(distinct id) as n_projects
    from labels
    group by created_month, tag
)

select * from final
order by created_month asc, n_projects desc, tag asc
