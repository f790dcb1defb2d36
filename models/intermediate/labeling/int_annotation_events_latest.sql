-- Both sources of annotations as events: a Label Studio event says labeled, no_tag or skipped; each
-- (annotator, project) of the tags file is one labeled event at its latest label. The latest event wins.
with label_studio_events as (
    select
        annotator,
        project_id,
        labeled_at,
        status,
        'label_studio' as origin
    from {{ ref('stg_annotations__events') }}
),

labels_file_events as (
    select
        annotator,
        project_id,
        max(labeled_at) as labeled_at,
        'labeled' as status,
        'labels_file' as origin
    from {{ ref('stg_annotations__labels') }}
    group by annotator, project_id
),

events as (
    select * from label_studio_events
    union all
    select * from labels_file_events
),

ranked as (
    select
        annotator,
        project_id,
        labeled_at,
        status,
        origin,
        count(*) over (partition by annotator, project_id) as n_events,
        -- On a tie in time, Label Studio's event wins ('label_studio' sorts before 'labels_file').
        row_number() over (partition by annotator, project_id order by labeled_at desc, origin asc) as recency_rank
    from events
),

final as (
    select
        annotator,
        project_id,
        labeled_at,
        status,
        origin,
        cast(n_events as bigint) as n_events
    from ranked
    where recency_rank = 1
)

select * from final
