-- The sweep's row for this build's min_tag_freq (if any) holds exactly labeled_projects' tags, projects, labels.
with sweep as (
    select * from {{ ref('tag_threshold_sweep') }}
    where is_current_threshold
),

labeled_projects as (
    select * from {{ ref('labeled_projects') }}
),

actual as (
    select
        (select count(*) from labeled_projects) as n_projects,
        (select coalesce(sum({{ list_length('labeled_projects.tags') }}), 0) from labeled_projects) as n_labels,
        (
            select count(*) from {{ ref('tag_frequencies') }}
            where is_kept
        ) as n_tags
),

final as (
    select
        sweep.n_tags as sweep_tags,
        actual.n_tags as actual_tags,
        sweep.n_projects as sweep_projects,
        actual.n_projects as actual_projects,
        sweep.n_labels as sweep_labels,
        actual.n_labels as actual_labels
    from sweep
    cross join actual
    where
        sweep.n_tags <> actual.n_tags
        or sweep.n_projects <> actual.n_projects
        or sweep.n_labels <> actual.n_labels
)

select * from final
