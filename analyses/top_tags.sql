with tag_frequencies as (
    select * from {{ ref('tag_frequencies') }}
),

final as (
    select
        frequency_rank,
        tag,
        frequency,
        n_projects,
        is_kept
    from tag_frequencies
    where frequency > 0
)

select * from final
order by frequency_rank asc, tag asc
limit {{ integer_var('top_n', 20, min_value=0) }}
