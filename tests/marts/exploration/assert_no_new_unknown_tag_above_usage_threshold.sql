-- No unreviewed tag outside the taxonomy is used var unknown_tag_alert_min_uses times or more (a warning).
-- A hit is new vocabulary: add it to tags.json, as an alias, or to seeds/reviewed_unknown_tags.csv.
{{ config(severity='warn', store_failures=true, schema='test_failures') }}

with unknown_tags as (
    select * from {{ ref('unknown_tags') }}
),

final as (
    select
        tag,
        n_uses,
        n_projects,
        first_created_at,
        similar_tag,
        match_type
    from unknown_tags
    where not is_reviewed and n_uses >= {{ integer_var('unknown_tag_alert_min_uses', min_value=1) }}
)

select * from final
