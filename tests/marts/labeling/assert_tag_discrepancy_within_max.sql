-- Annotators disagree on at most var max_discrepancy_rate of the projects they share, per tag (a warning).
{{ config(severity='warn', store_failures=true, schema='test_failures') }}

with agreement as (
    select * from {{ ref('annotator_agreement') }}
),

final as (
    select
        agreement.tag,
        agreement.discrepancy_rate,
        agreement.n_disagreements,
        agreement.n_items,
        agreement.max_discrepancy_rate
    from agreement
    where
        agreement.comparison = 'all annotators'
        and agreement.tag <> 'all tags'
        and agreement.is_above_max_discrepancy
)

select * from final
