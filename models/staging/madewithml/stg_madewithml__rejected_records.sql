with source as (
    select * from {{ source('madewithml', 'rejected_records') }}
),

final as (
    select
        source_name,
        source_uri,
        source_position,
        record_json,
        reason,
        load_id,
        loaded_at,
        is_current
    from source
)

select * from final
