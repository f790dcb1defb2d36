{#- The primary key (entity_column, category_column) of a table where each entity has one row per category
    from a small set, such as (project_id, tag) in tag_model_predictions and label_model: tens of millions
    of rows at scale. One group by the entity does primary_key's work: within an entity, rows with no null
    category and as many distinct categories (a bitstring of their positions in the sorted set) as rows
    are unique. A group by the pair, with a text column in it, cost about ten times as much at 2M projects
    (docs/performance.md). Fails with one row per entity that breaks it, saying how. DuckDB only
    (bitstring_agg), like the tables it checks. -#}
{% test primary_key_of_entity_and_category(model, entity_column, category_column) %}
    {{ config(tags=['duckdb_only']) }}
    {%- set n_categories = 0 -%}
    {%- if execute -%}
        {%- set n_categories = run_query(
            'select count(distinct ' ~ category_column ~ ') from ' ~ model
        ).columns[0].values()[0] | int -%}
    {%- endif %}
    with category_positions as (
        select
            category,
            cast(row_number() over (order by category) - 1 as integer) as category_position
        from (
            select distinct {{ category_column }} as category
            from {{ model }}
            where {{ category_column }} is not null
        ) as categories
    ),

    per_entity as (
        select
            model_rows.{{ entity_column }} as entity,
            count(*) as n_rows,
            count(category_positions.category_position) as n_rows_with_category,
            coalesce(bit_count(bitstring_agg(
                category_positions.category_position, 0, {{ [n_categories - 1, 0] | max }}
            )), 0) as n_distinct_categories
        from {{ model }} as model_rows
        left join category_positions
            on model_rows.{{ category_column }} = category_positions.category
        group by model_rows.{{ entity_column }}
    ),

    final as (
        select
            *,
            case
                when entity is null then 'null key: {{ entity_column }}'
                when n_rows_with_category < n_rows then 'null key: {{ category_column }}'
                else 'duplicate key'
            end as problem
        from per_entity
        where
            entity is null
            or n_rows_with_category < n_rows
            or n_distinct_categories < n_rows
    )

    select * from final
{% endtest %}
