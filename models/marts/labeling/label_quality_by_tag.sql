{{ config(tags=['duckdb_only']) }}
with kept_tags as (
    select tag from {{ ref('tag_frequencies') }}
    where is_kept
),

labels as (
    select
        labeled_projects.id as project_id,
        label_tags.tag
    from {{ ref('labeled_projects') }} as labeled_projects
    cross join unnest(labeled_projects.tags) as label_tags (tag)
),

scored as (
    select
        label_model.tag,
        label_model.classifier_probability >= 0.5 as classifier_says,
        label_model.probability >= 0.5 as label_model_says,
        labels.project_id is not null as is_given
    from {{ ref('label_model') }} as label_model
    left join labels
        on
            label_model.project_id = labels.project_id
            and label_model.tag = labels.tag
    where label_model.is_out_of_fold
),

counts as (
    select
        tag,
        cast(sum(case when is_given then 1 else 0 end) as bigint) as n_labeled,
        sum(case when is_given and classifier_says then 1 else 0 end) as classifier_tp,
        sum(case when not is_given and classifier_says then 1 else 0 end) as classifier_fp,
        sum(case when is_given and not classifier_says then 1 else 0 end) as classifier_fn,
        sum(case when is_given and label_model_says then 1 else 0 end) as label_model_tp,
        sum(case when not is_given and label_model_says then 1 else 0 end) as label_model_fp,
        sum(case when is_given and not label_model_says then 1 else 0 end) as label_model_fn
    from scored
    group by tag
),

functions as (
    select
        tag,
        count(*) as n_functions
    from {{ ref('labeling_functions') }}
    group by tag
),

issues as (
    select
        tag,
        count(*) as n_label_issues_flagged
    from {{ ref('label_issue_candidates') }}
    group by tag
),

metrics as (
    select
        kept_tags.tag,
        counts.n_labeled,
        cast(coalesce(functions.n_functions, 0) as bigint) as n_functions,
        cast(coalesce(issues.n_label_issues_flagged, 0) as bigint) as n_label_issues_flagged,
        counts.classifier_tp / nullif(counts.classifier_tp + counts.classifier_fp, 0) as classifier_precision,
        counts.classifier_tp / nullif(counts.classifier_tp + counts.classifier_fn, 0) as classifier_recall,
        2.0 * counts.classifier_tp
        / nullif(2 * counts.classifier_tp + counts.classifier_fp + counts.classifier_fn, 0) as classifier_f1,
        counts.label_model_tp / nullif(counts.label_model_tp + counts.label_model_fp, 0) as label_model_precision,
        counts.label_model_tp / nullif(counts.label_model_tp + counts.label_model_fn, 0) as label_model_recall,
        2.0 * counts.label_model_tp
        / nullif(2 * counts.label_model_tp + counts.label_model_fp + counts.label_model_fn, 0) as label_model_f1
    from kept_tags
    left join counts on kept_tags.tag = counts.tag
    left join functions on kept_tags.tag = functions.tag
    left join issues on kept_tags.tag = issues.tag
),

final as (
    select
        tag,
        n_labeled,
        n_functions,
        classifier_precision,
        classifier_recall,
        classifier_f1,
        label_model_precision,
        label_model_recall,
        label_model_f1,
        n_label_issues_flagged
    from metrics
)

select * from final
