{#- The primary-key test: fails with one row per key value that is null or appears more than once (the
    key, how many rows hold it, and which of the two it is). One group by does what dbt's `unique` and
    `not_null` do in two queries and two scans: at 20M projects that is a full pass saved per key, and on
    the real data one test node fewer per model.
    Column-level (`data_tests: [primary_key]`) or model-level for a key of several columns
    (`primary_key: {arguments: {column_names: [a, b]}}`). -#}
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
