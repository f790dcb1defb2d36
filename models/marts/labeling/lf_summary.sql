with labeling_functions as (
    select
        lf_name,
        tag,
        label,
        {{ labeling_function_kind_sql('kind', 'pattern') }} as function_kind
    from {{ ref('labeling_functions') }}
),

dataset as (
    select count(*) as n_projects from {{ ref('labeled_projects') }}
),

-- How many dataset projects carry each kept tag: the gold positives of its functions.
tag_positives as (
    select
        tag,
        n_projects as n_positive
    from {{ ref('tag_frequencies') }}
    where is_kept
),

dataset_votes as (
    select * from {{ ref('lf_votes') }}
    where is_in_dataset
),

project_tag_votes as (
    select
        project_id,
        tag,
        count(*) as n_votes,
        sum(case when label = 1 then 1 else 0 end) as n_positive,
        sum(case when label = 0 then 1 else 0 end) as n_negative
    from dataset_votes
    group by project_id, tag
),

vote_flags as (
    select
        dataset_votes.lf_name,
        dataset_votes.is_correct,
        project_tag_votes.n_votes > 1 as is_overlap,
        (dataset_votes.label = 1 and project_tag_votes.n_negative > 0)
        or (dataset_votes.label = 0 and project_tag_votes.n_positive > 0) as is_conflict
    from dataset_votes
    inner join project_tag_votes
        on
            dataset_votes.project_id = project_tag_votes.project_id
            and dataset_votes.tag = project_tag_votes.tag
),

per_function as (
    select
        lf_name,
        count(*) as n_covered,
        sum(case when is_overlap then 1 else 0 end) as n_overlaps,
        sum(case when is_conflict then 1 else 0 end) as n_conflicts,
        sum(case when is_correct then 1 else 0 end) as n_correct,
        sum(case when not is_correct then 1 else 0 end) as n_incorrect
    from vote_flags
    group by lf_name
),

counts as (
    select
        labeling_functions.lf_name,
        labeling_functions.tag,
        labeling_functions.label,
        labeling_functions.function_kind,
        cast(dataset.n_projects as bigint) as n_projects,
        cast(coalesce(per_function.n_covered, 0) as bigint) as n_covered,
        cast(coalesce(per_function.n_overlaps, 0) as bigint) as n_overlaps,
        cast(coalesce(per_function.n_conflicts, 0) as bigint) as n_conflicts,
        cast(coalesce(per_function.n_correct, 0) as bigint) as n_correct,
        cast(coalesce(per_function.n_incorrect, 0) as bigint) as n_incorrect,
        -- Dataset projects whose gold label is the function's label (the tag for 1, its absence for 0).
        cast(
            case
                when labeling_functions.label = 1 then coalesce(tag_positives.n_positive, 0)
                else dataset.n_projects - coalesce(tag_positives.n_positive, 0)
            end as bigint
        ) as n_gold_label
    from labeling_functions
    cross join dataset
    left join per_function on labeling_functions.lf_name = per_function.lf_name
    left join tag_positives on labeling_functions.tag = tag_positives.tag
),

final as (
    select
        lf_name,
        tag,
        label,
        function_kind,
        n_projects,
        n_covered,
        n_overlaps,
        n_conflicts,
        n_correct as correct,
        n_incorrect as incorrect,
        case when n_covered > 0 then '[' || cast(label as {{ dbt.type_string() }}) || ']' else '[]' end as polarity,
        cast(n_covered as double) / nullif(n_projects, 0) as coverage,
        cast(n_overlaps as double) / nullif(n_projects, 0) as overlap_fraction,
        cast(n_conflicts as double) / nullif(n_projects, 0) as conflict_fraction,
        cast(n_correct as double) / nullif(n_correct + n_incorrect, 0) as empirical_accuracy,
        cast(n_correct as double) / nullif(n_correct + n_incorrect, 0) as measured_precision,
        cast(n_correct as double) / nullif(n_gold_label, 0) as measured_recall,
        -- The label model's weight (marts.label_model): ln(recall / false-positive rate), add-one smoothed.
        {{ labeling_function_weight(
            'n_correct', 'n_incorrect', 'n_gold_label', 'n_projects - n_gold_label'
        ) }} as weight
    from counts
)

select * from final
