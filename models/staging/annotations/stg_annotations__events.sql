with source as (
    select * from {{ source('annotations', 'annotation_events') }}
),

final as (
    select
        annotator,
        project_id,
        labeled_at,
        status,
        tags,
        queue,
        task_id,
        annotation_id,
        _source_uri as source_uri,
        _source_position as source_position,
        _loaded_at as loaded_at
    from source
)

select * from final
