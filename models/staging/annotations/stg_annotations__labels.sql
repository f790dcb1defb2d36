with annotations as (
    select * from {{ source('annotations', 'annotations') }}
),

example_annotations as (
    select * from {{ source('annotations', 'example_annotations') }}
),

labels as (
    select
        *,
        false as is_example
    from annotations
    union all
    select
        *,
        true as is_example
    from example_annotations
),

final as (
    select
        annotator,
        project_id,
        tag,
        cast(labeled_at as timestamp) as labeled_at,
        is_example,
        _source_uri as source_uri,
        _source_position as source_position,
        _loaded_at as loaded_at
    from labels
)

select * from final
