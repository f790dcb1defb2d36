with all_labels as (
    select * from {{ ref('stg_annotations__labels') }}
),

-- Example annotations (make demo) are compared only when no real annotations are loaded, so an example
-- annotator is never compared with a real one.
real_labels as (
    select count(*) as n_real from all_labels
    where not is_example
),

labels as (
    select
        all_labels.annotator,
        all_labels.project_id,
        all_labels.tag
    from all_labels
    cross join real_labels
    where all_labels.is_example = (real_labels.n_real = 0)
),

kept_tags as (
    select tag from {{ ref('tag_frequencies') }}
    where is_kept
),

annotated_projects as (
    select distinct
        annotator,
        project_id
    from labels
),

shared_projects as (
    select
        project_id,
        count(*) as n_annotators
    from annotated_projects
    group by project_id
    having count(*) >= 2
),

final as (
    select
        annotated_projects.annotator,
        annotated_projects.project_id,
        kept_tags.tag,
        shared_projects.n_annotators,
        labels.tag is not null as is_tagged
    from annotated_projects
    inner join shared_projects on annotated_projects.project_id = shared_projects.project_id
    cross join kept_tags
    left join labels
        on
            annotated_projects.annotator = labels.annotator
            and annotated_projects.project_id = labels.project_id
            and kept_tags.tag = labels.tag
)

select * from final
