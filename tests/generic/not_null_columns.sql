{#- One scan checks every column; dbt's not_null is a query, a scan and a test node per column. -#}
{% test not_null_columns(model, column_names) %}
    with null_counts as (
        select
        {%- for column in column_names %}
            sum(case when {{ column }} is null then 1 else 0 end) as null_rows_{{ loop.index }}
            {{- "," if not loop.last }}
        {%- endfor %}
        from {{ model }}
    )

    {% for column in column_names -%}
        select
            '{{ column }}' as column_name,
            null_rows_{{ loop.index }} as n_null_rows
        from null_counts
        where null_rows_{{ loop.index }} > 0
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
{% endtest %}
