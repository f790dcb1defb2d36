with source as (
    select * from {{ source('annotations', 'annotations') }}
),

final as (
    select
        annotator,
        project_id,
        tag,
        cast(labeled_at as timestamp) as labeled_at,
        _source_uri as source_uri,
        _source_position as source_position,
        _loaded_at as loaded_at
    from source
)

select * from final
