-- What each min_tag_freq would cost: for every threshold from 1 to the largest tag frequency, the tags,
-- projects and (project, tag) labels labeled_projects would hold. A project survives a threshold when
-- its most frequent included tag reaches it; a tag's labels survive when its own frequency does.
with filtered_project_tags as (
    select * from {{ ref('int_project_tags_filtered') }}
),

projects as (
    select project_id from {{ ref('stg_madewithml__projects') }}
),

tag_usage as (
    select
        tag,
        count(*) as frequency
    from filtered_project_tags
    group by tag
),

project_reach as (
    select
        filtered_project_tags.project_id,
        max(tag_usage.frequency) as max_tag_frequency
    from filtered_project_tags
    inner join tag_usage on filtered_project_tags.tag = tag_usage.tag
    group by filtered_project_tags.project_id
),

bounds as (
    select max(frequency) as max_frequency
    from tag_usage
),

thresholds as (
    select {{ integer_series('bounds.max_frequency') }} as min_tag_freq
    from bounds
),

tags_kept as (
    select
        thresholds.min_tag_freq,
        count(tag_usage.tag) as n_tags,
        coalesce(sum(tag_usage.frequency), 0) as n_labels
    from thresholds
    left join tag_usage on thresholds.min_tag_freq <= tag_usage.frequency
    group by thresholds.min_tag_freq
),

projects_kept as (
    select
        thresholds.min_tag_freq,
        count(project_reach.project_id) as n_projects
    from thresholds
    left join project_reach on thresholds.min_tag_freq <= project_reach.max_tag_frequency
    group by thresholds.min_tag_freq
),

totals as (
    select
        (select count(*) from projects) as n_all_projects,
        (select count(*) from project_reach) as n_tagged_projects
),

final as (
    select
        tags_kept.min_tag_freq,
        tags_kept.n_tags,
        projects_kept.n_projects,
        tags_kept.n_labels,
        totals.n_tagged_projects - projects_kept.n_projects as n_projects_dropped,
        cast(projects_kept.n_projects as double) / nullif(totals.n_all_projects, 0) as share_of_projects,
        tags_kept.min_tag_freq = {{ var('min_tag_freq') }} as is_current_threshold
    from tags_kept
    inner join projects_kept on tags_kept.min_tag_freq = projects_kept.min_tag_freq
    cross join totals
)

select * from final
