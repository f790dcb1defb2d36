-- An annotator has seen a project when the latest event is labeled or no_tag; a skip is not a decision.
with seen as (
    select
        annotator,
        project_id,
        labeled_at,
        origin,
        is_example
    from {{ ref('int_annotation_events_latest') }}
    where status <> 'skipped'
),

labels_file_tags as (
    select
        annotator,
        project_id,
        tag,
        is_example
    from {{ ref('stg_annotations__labels') }}
),

label_studio_tags as (
    select
        events.annotator,
        events.project_id,
        events.labeled_at,
        unnested_list.tag
    from {{ ref('stg_annotations__events') }} as events
    {{ unnest_with_position('events.tags', 'tag', 'tag_position') }}
),

-- The tags of each annotator's latest decision on a project.
labels as (
    select
        seen.annotator,
        seen.project_id,
        labels_file_tags.tag
    from seen
    inner join labels_file_tags
        on
            seen.annotator = labels_file_tags.annotator
            and seen.project_id = labels_file_tags.project_id
            and seen.is_example = labels_file_tags.is_example
    where seen.origin = 'labels_file'
    union all
    select
        seen.annotator,
        seen.project_id,
        label_studio_tags.tag
    from seen
    inner join label_studio_tags
        on
            seen.annotator = label_studio_tags.annotator
            and seen.project_id = label_studio_tags.project_id
            and seen.labeled_at = label_studio_tags.labeled_at
    where seen.origin = 'label_studio'
),

kept_tags as (
    select tag from {{ ref('tag_frequencies') }}
    where is_kept
),

annotated_projects as (
    select
        annotator,
        project_id
    from seen
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
