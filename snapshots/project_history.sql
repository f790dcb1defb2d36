{% snapshot project_history %}
    -- The labeled content of each project (title, description, tags), one row per version.
    select
        project_id,
        title,
        description,
        tags,
        loaded_at
    from {{ ref('stg_madewithml__projects') }}
{% endsnapshot %}
