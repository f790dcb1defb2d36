{#- One group by does the work of dbt's unique and not_null: one query and one scan instead of two. -#}
{% test primary_key(model, column_name=none, column_names=none) %}
    {%- set key_columns = column_names if column_names else [column_name] %}
    {%- set key_list = key_columns | join(', ') %}
    with key_counts as (
        select
            {{ key_list }},
            count(*) as n_rows
        from {{ model }}
        group by {{ key_list }}
    ),

    final as (
        select
            *,
            case
                when {% for column in key_columns %}{{ column }} is null{{ " or " if not loop.last }}{% endfor %}
                    then 'null key'
                else 'duplicate key'
            end as problem
        from key_counts
        where
            n_rows > 1
            {%- for column in key_columns %}
            or {{ column }} is null
            {%- endfor %}
    )

    select * from final
{% endtest %}
