with source as (
    select * from {{ source('madewithml', 'tags') }}
),

final as (
    select
        tag,
        aliases,
        parents,
        _source_uri as source_uri,
        _source_position as source_position,
        _load_id as load_id,
        _loaded_at as loaded_at
    from source
)

select * from final
