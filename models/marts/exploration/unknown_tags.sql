-- Tags outside the taxonomy: every distinct project tag that is neither a taxonomy tag nor an
-- unambiguous alias, with how much it is used, when (when the source has created_on), the taxonomy tag
-- it most resembles, and whether an analyst has reviewed it (seed reviewed_unknown_tags).
with project_tags as (
    select * from {{ ref('int_project_tags_unnested') }}
),

projects as (
    select
        project_id,
        created_at
    from {{ ref('stg_madewithml__projects') }}
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
        project_tags.tag,
        count(*) as n_uses,
        count(distinct project_tags.project_id) as n_projects,
        min(projects.created_at) as first_created_at,
        max(projects.created_at) as last_created_at
    from project_tags
    inner join projects on project_tags.project_id = projects.project_id
    where project_tags.tag not in (select known_names.tag_name from known_names)
    group by project_tags.tag
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
