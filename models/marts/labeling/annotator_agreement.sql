{%- set max_discrepancy_rate = number_var('max_discrepancy_rate', min_value=0, max_value=1) %}

with decisions as (
    select * from {{ ref('int_annotator_decisions_expanded') }}
),

pair_decisions as (
    select
        first_annotator.tag,
        first_annotator.project_id,
        first_annotator.annotator as annotator_a,
        second_annotator.annotator as annotator_b,
        first_annotator.is_tagged as is_tagged_by_a,
        second_annotator.is_tagged as is_tagged_by_b
    from decisions as first_annotator
    inner join decisions as second_annotator
        on
            first_annotator.project_id = second_annotator.project_id
            and first_annotator.tag = second_annotator.tag
            and first_annotator.annotator < second_annotator.annotator
),

pair_items as (
    select
        tag,
        annotator_a,
        annotator_b,
        is_tagged_by_a,
        is_tagged_by_b
    from pair_decisions
    union all
    select
        'all tags' as tag,
        annotator_a,
        annotator_b,
        is_tagged_by_a,
        is_tagged_by_b
    from pair_decisions
),

pair_counts as (
    select
        tag,
        annotator_a,
        annotator_b,
        count(*) as n_items,
        sum(case when is_tagged_by_a <> is_tagged_by_b then 1 else 0 end) as n_disagreements,
        sum(case when is_tagged_by_a then 1 else 0 end) as n_tagged_by_a,
        sum(case when is_tagged_by_b then 1 else 0 end) as n_tagged_by_b
    from pair_items
    group by tag, annotator_a, annotator_b
),

pair_stats as (
    select
        tag,
        'pair' as comparison,
        annotator_a,
        annotator_b,
        2 as n_annotators,
        n_items,
        n_disagreements,
        cast(n_items - n_disagreements as double) / n_items as observed_agreement,
        (
            cast(n_tagged_by_a as double) * n_tagged_by_b
            + cast(n_items - n_tagged_by_a as double) * (n_items - n_tagged_by_b)
        ) / (cast(n_items as double) * n_items) as expected_agreement,
        -- Cohen's kappa as scikit-learn computes it: 1 - observed / expected disagreement.
        1 - cast(n_disagreements as double) * n_items / nullif(
            cast(n_tagged_by_a as double) * (n_items - n_tagged_by_b)
            + cast(n_items - n_tagged_by_a as double) * n_tagged_by_b,
            0
        ) as kappa
    from pair_counts
),

item_counts as (
    select
        tag,
        project_id,
        count(*) as n_raters,
        sum(case when is_tagged then 1 else 0 end) as n_tagged
    from decisions
    group by tag, project_id
),

item_agreement as (
    select
        tag,
        n_raters,
        n_tagged,
        -- Share of the item's ordered annotator pairs that agree (Fleiss' P_i).
        cast(n_tagged * n_tagged + (n_raters - n_tagged) * (n_raters - n_tagged) - n_raters as double)
        / (n_raters * (n_raters - 1)) as pair_agreement,
        n_tagged > 0 and n_tagged < n_raters as is_disagreement
    from item_counts
    union all
    select
        'all tags' as tag,
        n_raters,
        n_tagged,
        cast(n_tagged * n_tagged + (n_raters - n_tagged) * (n_raters - n_tagged) - n_raters as double)
        / (n_raters * (n_raters - 1)) as pair_agreement,
        n_tagged > 0 and n_tagged < n_raters as is_disagreement
    from item_counts
),

annotators as (
    select count(distinct annotator) as n_annotators from decisions
),

group_counts as (
    select
        tag,
        count(*) as n_items,
        sum(case when is_disagreement then 1 else 0 end) as n_disagreements,
        avg(pair_agreement) as observed_agreement,
        cast(sum(n_tagged) as double) / sum(n_raters) as tagged_share
    from item_agreement
    group by tag
),

group_stats as (
    select
        group_counts.tag,
        'all annotators' as comparison,
        cast(null as {{ dbt.type_string() }}) as annotator_a,
        cast(null as {{ dbt.type_string() }}) as annotator_b,
        annotators.n_annotators,
        group_counts.n_items,
        group_counts.n_disagreements,
        group_counts.observed_agreement,
        group_counts.tagged_share * group_counts.tagged_share
        + (1 - group_counts.tagged_share) * (1 - group_counts.tagged_share) as expected_agreement
    from group_counts
    cross join annotators
),

fleiss_stats as (
    select
        *,
        (observed_agreement - expected_agreement) / nullif(1 - expected_agreement, 0) as kappa
    from group_stats
),

all_stats as (
    select * from pair_stats
    union all
    select * from fleiss_stats
),

final as (
    select
        tag,
        comparison,
        annotator_a,
        annotator_b,
        cast(n_annotators as bigint) as n_annotators,
        cast(n_items as bigint) as n_items,
        cast(n_disagreements as bigint) as n_disagreements,
        -- Rounded to 10 decimal places so that engines and tests compare them exactly.
        round(observed_agreement, 10) as observed_agreement,
        round(expected_agreement, 10) as expected_agreement,
        round(kappa, 10) as kappa,
        round(cast(n_disagreements as double) / n_items, 10) as discrepancy_rate,
        cast({{ max_discrepancy_rate }} as double) as max_discrepancy_rate,
        cast(n_disagreements as double) / n_items > {{ max_discrepancy_rate }} as is_above_max_discrepancy
    from all_stats
)

select * from final
