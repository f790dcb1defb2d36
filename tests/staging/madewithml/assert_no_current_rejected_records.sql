-- The latest load of each source set no record aside (a warning: the build goes on without them).
-- A hit names the file, the position and the reason: fix the record in the source file and load it again.
{{ config(severity='warn', store_failures=true, schema='test_failures') }}

with rejected_records as (
    select * from {{ ref('stg_madewithml__rejected_records') }}
),

final as (
    select
        source_name,
        source_uri,
        source_position,
        reason
    from rejected_records
    where is_current
)

select * from final
