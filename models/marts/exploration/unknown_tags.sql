with tag_counts as (
    select * from {{ ref('int_tags_counted') }}
),

known_names as (
    select tag_name from {{ ref('int_tag_names_normalized') }}
),

variants as (
    select * from {{ ref('int_tag_name_variants_matched') }}
),

reviewed as (
    select * from {{ ref('reviewed_unknown_tags') }}
),

usage as (
    select
        tag,
        n_uses,
        n_projects,
        first_created_at,
        last_created_at
    from tag_counts
    where tag not in (select known_names.tag_name from known_names)
),

final as (
    select
        usage.tag,
        usage.n_uses,
        usage.n_projects,
        usage.first_created_at,
        usage.last_created_at,
        variants.similar_tag,
        variants.match_type,
        reviewed.decision as review_decision,
        reviewed.tag is not null as is_reviewed,
        rank() over (order by usage.n_uses desc) as usage_rank
    from usage
    left join variants on usage.tag = variants.tag_name
    left join reviewed on usage.tag = reviewed.tag
)

select * from final
