with source as (
    select * from {{ source('madewithml', 'projects') }}
),

final as (
    select
        id as project_id,
        title,
        description,
        tags,
        _source_uri as source_uri,
        _source_position as source_position,
        _load_id as load_id,
        _loaded_at as loaded_at,
        cast(created_on as timestamp) as created_at,
        -- Built exactly as the lesson does (no trimming): the classifier's input text.
        title || ' ' || description as text,
        -- Cleaned copies for analysts; 57 real titles carry leading or trailing spaces.
        trim(title) as title_trimmed,
        trim(description) as description_trimmed
    from source
)

select * from final
