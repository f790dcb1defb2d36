-- Two paths to the same counts (macro tag_lists_change): with the lesson's rules a project's filtered tags
-- are its own, so int_tags_counted's counts serve and nothing waits for the unnested project tags; with
-- alias resolution or parent expansion on, the counts come from int_project_tags_filtered.
with taxonomy_tags as (
    select tag from {{ ref('stg_madewithml__tags') }}
),

excluded_tags as (
    select tag from {{ ref('excluded_tags') }}
),

{% if tag_lists_change() %}
    filtered_project_tags as (
        select * from {{ ref('int_project_tags_filtered') }}
    ),

    usage as (
        select
            tag,
            count(*) as frequency,
            count(distinct project_id) as n_projects
        from filtered_project_tags
        group by tag
    ),
{% else %}
    -- Counted over every author tag name; the join to included_tags below applies the filter.
    usage as (
        select
            tag,
            n_uses as frequency,
            n_projects
        from {{ ref('int_tags_counted') }}
    ),
{% endif %}

included_tags as (
    select taxonomy_tags.tag
    from taxonomy_tags
    where taxonomy_tags.tag not in (select excluded_tags.tag from excluded_tags)
),

final as (
    select
        included_tags.tag,
        coalesce(usage.frequency, 0) as frequency,
        coalesce(usage.n_projects, 0) as n_projects,
        {{ integer_var('min_tag_freq') }} as min_tag_freq,
        coalesce(usage.frequency, 0) >= {{ integer_var('min_tag_freq') }} as is_kept,
        rank() over (order by coalesce(usage.frequency, 0) desc) as frequency_rank
    from included_tags
    left join usage on included_tags.tag = usage.tag
)

select * from final
