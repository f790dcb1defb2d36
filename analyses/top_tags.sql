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
    order by frequency_rank asc, tag asc
    limit {{ integer_var('top_n', 20, min_value=0) }}
)

-- The limit sits inside the CTE so that `dbt show`, which appends its own limit, still runs.
select * from final
order by frequency_rank asc, tag asc
