-- The sweep flags one row as this build's min_tag_freq, holding exactly labeled_projects' tags, projects and
-- labels; with no flagged row (a threshold above every tag's frequency) labeled_projects must be empty.
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
        ) as n_tags,
        (select count(*) from sweep) as n_flagged_rows
),

final as (
    select
        sweep.n_tags as sweep_tags,
        actual.n_tags as actual_tags,
        sweep.n_projects as sweep_projects,
        actual.n_projects as actual_projects,
        sweep.n_labels as sweep_labels,
        actual.n_labels as actual_labels,
        actual.n_flagged_rows
    from actual
    left join sweep on true
    where
        actual.n_flagged_rows > 1
        or coalesce(sweep.n_tags, 0) <> actual.n_tags
        or coalesce(sweep.n_projects, 0) <> actual.n_projects
        or coalesce(sweep.n_labels, 0) <> actual.n_labels
)

select * from final
