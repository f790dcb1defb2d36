{#- Fails with one row per listed column that holds nulls (its name and how many rows). One scan checks
    every column; dbt's not_null is one test, one query and one scan per column, and on every build the
    per-test overhead of ~50 such tests cost seconds even on 2k projects. The key's own not-null check is
    in its `primary_key` test. -#}
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
