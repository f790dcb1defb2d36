-- Which tags do projects use most, and which of them are labels at this build's min_tag_freq?
-- Compile with `dbt compile --select top_tags`; run with `dbt show --select top_tags`.
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
limit {{ var('top_n', 20) }}
