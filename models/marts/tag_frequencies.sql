-- How often each included tag is used after the include/exclude filter, and whether it reaches
-- min_tag_freq. Unused taxonomy tags are listed with frequency 0 so the whole taxonomy is visible.
--
-- With the lesson's rules (alias resolution and parent expansion off, the default) a project's filtered
-- tags are its own tags, so the counts are int_tags_counted's: one aggregate pass over the projects' lists
-- that the taxonomy marts share, instead of waiting for the unnested and filtered project tags to be
-- written (at 2M projects 3.3 s -> 0.8 s on the way to labeled_projects). With either on, the counts
-- come from int_project_tags_filtered, where the resolved and expanded tags are (macro tag_lists_change).
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
