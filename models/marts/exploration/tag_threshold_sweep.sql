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

-- Counts at each frequency, then summed from the largest frequency down: a threshold keeps everything
-- at or above it. Linear in tags + projects + thresholds (an inequality join of thresholds against
-- projects grows with their product and never finishes at millions of projects).
tags_at_frequency as (
    select
        frequency,
        count(*) as n_tags,
        sum(frequency) as n_labels
    from tag_usage
    group by frequency
),

projects_at_frequency as (
    select
        max_tag_frequency as frequency,
        count(*) as n_projects
    from project_reach
    group by max_tag_frequency
),

kept_at_threshold as (
    select
        thresholds.min_tag_freq,
        cast(sum(coalesce(tags_at_frequency.n_tags, 0)) over at_or_above as bigint) as n_tags,
        cast(sum(coalesce(tags_at_frequency.n_labels, 0)) over at_or_above as bigint) as n_labels,
        cast(sum(coalesce(projects_at_frequency.n_projects, 0)) over at_or_above as bigint) as n_projects
    from thresholds
    left join tags_at_frequency on thresholds.min_tag_freq = tags_at_frequency.frequency
    left join projects_at_frequency on thresholds.min_tag_freq = projects_at_frequency.frequency
    window at_or_above as (order by thresholds.min_tag_freq desc rows between unbounded preceding and current row)
),

totals as (
    select
        (select count(*) from projects) as n_all_projects,
        (select count(*) from project_reach) as n_tagged_projects
),

final as (
    select
        kept_at_threshold.min_tag_freq,
        kept_at_threshold.n_tags,
        kept_at_threshold.n_projects,
        kept_at_threshold.n_labels,
        totals.n_tagged_projects - kept_at_threshold.n_projects as n_projects_dropped,
        cast(kept_at_threshold.n_projects as double) / nullif(totals.n_all_projects, 0) as share_of_projects,
        kept_at_threshold.min_tag_freq = {{ integer_var('min_tag_freq') }} as is_current_threshold
    from kept_at_threshold
    cross join totals
)

select * from final
