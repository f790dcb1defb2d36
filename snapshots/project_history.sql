{% snapshot project_history %}
    select
        project_id,
        title,
        description,
        tags,
        loaded_at
    from {{ ref('stg_madewithml__projects') }}
{% endsnapshot %}
