{%- set cut_report_size = integer_var('cut_report_size', min_value=0) %}

with tag_frequencies as (
    select * from {{ ref('tag_frequencies') }}
),

ranked as (
    select
        tag,
        frequency,
        n_projects,
        min_tag_freq,
        is_kept,
        row_number() over (order by frequency desc, tag asc) as popularity_rank,
        case
            when is_kept then row_number() over (partition by is_kept order by frequency asc, tag asc)
        end as rank_above_cut,
        case
            when not is_kept and frequency > 0
                then row_number() over (partition by is_kept order by frequency desc, tag asc)
        end as rank_below_cut
    from tag_frequencies
),

lists as (
    select
        'most_popular' as cut_group,
        popularity_rank as rank_in_group,
        tag,
        frequency,
        n_projects,
        min_tag_freq,
        is_kept
    from ranked
    where popularity_rank <= {{ cut_report_size }} and frequency > 0
    union all
    select
        'just_made_the_cut' as cut_group,
        rank_above_cut as rank_in_group,
        tag,
        frequency,
        n_projects,
        min_tag_freq,
        is_kept
    from ranked
    where rank_above_cut <= {{ cut_report_size }}
    union all
    select
        'just_missed_the_cut' as cut_group,
        rank_below_cut as rank_in_group,
        tag,
        frequency,
        n_projects,
        min_tag_freq,
        is_kept
    from ranked
    where rank_below_cut <= {{ cut_report_size }}
),

final as (
    select
        cut_group,
        rank_in_group,
        tag,
        frequency,
        n_projects,
        min_tag_freq,
        is_kept,
        frequency - min_tag_freq as distance_to_threshold
    from lists
)

select * from final
