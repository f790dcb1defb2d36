-- Both sources of annotations as events: a Label Studio event says labeled, no_tag or skipped; each
-- (annotator, project) of the tags file is one labeled event at its latest label. The latest event wins.
with label_studio_events as (
    select
        annotator,
        project_id,
        labeled_at,
        status,
        'label_studio' as origin,
        false as is_example
    from {{ ref('stg_annotations__events') }}
),

labels as (
    select * from {{ ref('stg_annotations__labels') }}
),

-- Example annotations (make demo) take part only while no real annotation is loaded, so an example
-- annotator is never compared with a real one.
real_annotations as (
    select sum(n_rows) as n_real
    from (
        select count(*) as n_rows from labels
        where not is_example
        union all
        select count(*) as n_rows from label_studio_events
    ) as counts
),

labels_file_events as (
    select
        labels.annotator,
        labels.project_id,
        max(labels.labeled_at) as labeled_at,
        'labeled' as status,
        'labels_file' as origin,
        labels.is_example
    from labels
    cross join real_annotations
    where labels.is_example = (real_annotations.n_real = 0)
    group by labels.annotator, labels.project_id, labels.is_example
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
        is_example,
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
        is_example,
        cast(n_events as bigint) as n_events
    from ranked
    where recency_rank = 1
)

select * from final
