with project_tags as (
    select * from {{ ref('int_project_tags_unnested') }}
),

projects as (
    select
        project_id,
        created_at
    from {{ ref('stg_madewithml__projects') }}
    where created_at is not null
),

known_names as (
    select tag_name from {{ ref('int_tag_names_normalized') }}
),

dated_tags as (
    select
        project_tags.project_id,
        project_tags.tag,
        projects.created_at,
        cast(date_trunc('month', projects.created_at) as date) as created_month,
        project_tags.tag not in (select known_names.tag_name from known_names) as is_unknown
    from project_tags
    inner join projects on project_tags.project_id = projects.project_id
),

first_seen as (
    select
        tag,
        min(created_month) as first_month
    from dated_tags
    where is_unknown
    group by tag
),

monthly as (
    select
        created_month,
        count(distinct project_id) as n_projects,
        count(*) as n_project_tags,
        sum(case when is_unknown then 1 else 0 end) as n_unknown_tags,
        count(distinct case when is_unknown then tag end) as n_distinct_unknown_tags,
        count(distinct case when is_unknown then project_id end) as n_projects_with_unknown
    from dated_tags
    group by created_month
),

new_unknown as (
    select
        first_month as created_month,
        count(*) as n_new_unknown_tags
    from first_seen
    group by first_month
),

final as (
    select
        monthly.created_month,
        monthly.n_projects,
        monthly.n_project_tags,
        monthly.n_unknown_tags,
        monthly.n_distinct_unknown_tags,
        monthly.n_projects_with_unknown,
        cast(monthly.n_unknown_tags as double) / monthly.n_project_tags as share_unknown,
        coalesce(new_unknown.n_new_unknown_tags, 0) as n_new_unknown_tags
    from monthly
    left join new_unknown on monthly.created_month = new_unknown.created_month
)

select * from final
