-- The label model's function weights (formula: label_model in _labeling__learned.yml), kept apart from the
-- per-row combination: label_model fingerprints them (a change of any weight recomputes every row) and reads
-- them once. Each function's log-likelihood ratio is counted per fold on the labeled projects and summed over
-- the other folds, so a labeled project's weights never saw its own labels; weight_fold -1, for unlabeled
-- projects, sums every fold (lf_summary.weight).
{{ config(materialized='table', tags=['duckdb_only']) }}

with kept_tags as (
    select tag from {{ ref('tag_frequencies') }}
    where is_kept
),

-- The functions of kept tags: the others vote on nothing the model scores.
kept_functions as (
    select
        labeling_functions.lf_name,
        labeling_functions.tag,
        labeling_functions.label,
        case when labeling_functions.label = 1 then 1.0 else -1.0 end as vote_sign
    from {{ ref('labeling_functions') }} as labeling_functions
    inner join kept_tags on labeling_functions.tag = kept_tags.tag
),

labeled_folds as (
    select
        project_id,
        fold
    from {{ ref('int_labeled_project_folds') }}
),

fold_sizes as (
    select
        fold,
        count(*) as n_projects
    from labeled_folds
    group by fold
),

fold_tag_positives as (
    select
        labeled_folds.fold,
        project_tags.tag,
        count(*) as n_positive
    from (
        select
            id as project_id,
            unnest(tags) as tag
        from {{ ref('labeled_projects') }}
    ) as project_tags
    inner join labeled_folds on project_tags.project_id = labeled_folds.project_id
    group by labeled_folds.fold, project_tags.tag
),

fold_votes as (
    select
        labeled_folds.fold,
        lf_votes.lf_name,
        count(*) as n_fired,
        count(*) filter (where lf_votes.is_correct) as n_correct
    from {{ ref('lf_votes') }} as lf_votes
    inner join labeled_folds on lf_votes.project_id = labeled_folds.project_id
    group by labeled_folds.fold, lf_votes.lf_name
),

-- Per (function, fold): its votes, the right ones, and the projects whose author label is its label.
fold_counts as (
    select
        kept_functions.lf_name,
        fold_sizes.fold,
        fold_sizes.n_projects,
        coalesce(fold_votes.n_fired, 0) as n_fired,
        coalesce(fold_votes.n_correct, 0) as n_correct,
        case
            when kept_functions.label = 1 then coalesce(fold_tag_positives.n_positive, 0)
            else fold_sizes.n_projects - coalesce(fold_tag_positives.n_positive, 0)
        end as n_gold_label
    from kept_functions
    cross join fold_sizes
    left join fold_votes
        on kept_functions.lf_name = fold_votes.lf_name and fold_sizes.fold = fold_votes.fold
    left join fold_tag_positives
        on kept_functions.tag = fold_tag_positives.tag and fold_sizes.fold = fold_tag_positives.fold
),

-- weight_fold: the fold a project is held out of; -1 for unlabeled projects, which no fold holds out.
weight_folds as (
    select fold as weight_fold from fold_sizes
    union all
    select -1 as weight_fold
),

held_out_counts as (
    select
        weight_folds.weight_fold,
        fold_counts.lf_name,
        sum(fold_counts.n_fired) as n_fired,
        sum(fold_counts.n_correct) as n_correct,
        sum(fold_counts.n_gold_label) as n_gold_label,
        sum(fold_counts.n_projects - fold_counts.n_gold_label) as n_gold_other
    from weight_folds
    inner join fold_counts on weight_folds.weight_fold <> fold_counts.fold
    group by weight_folds.weight_fold, fold_counts.lf_name
),

final as (
    select
        held_out_counts.weight_fold,
        held_out_counts.lf_name,
        kept_functions.tag,
        kept_functions.label,
        kept_functions.vote_sign * {{ labeling_function_weight(
            'held_out_counts.n_correct',
            'held_out_counts.n_fired - held_out_counts.n_correct',
            'held_out_counts.n_gold_label',
            'held_out_counts.n_gold_other'
        ) }} as signed_weight
    from held_out_counts
    inner join kept_functions on held_out_counts.lf_name = kept_functions.lf_name
)

select * from final
