{% test list_items_unique(model, column_name) %}
    select *
    from {{ model }}
    where {{ tagifai.list_count_distinct(column_name) }} <> {{ tagifai.list_count_non_null(column_name) }}
{% endtest %}
