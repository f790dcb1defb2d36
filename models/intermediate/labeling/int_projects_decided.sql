-- The one rule for "a person has decided on this project": some annotator's latest event on it is labeled
-- or no_tag (a skip is no decision). The projects awaiting annotation are the others: the annotate sensor
-- and tagifai-annotate's new queue read this view.
with decisions as (
    select
        project_id,
        annotator,
        labeled_at
    from {{ ref('int_annotation_events_latest') }}
    where status in ('labeled', 'no_tag')
),

final as (
    select
        project_id,
        count(*) as n_annotators,
        max(labeled_at) as last_decided_at
    from decisions
    group by project_id
)

select * from final
