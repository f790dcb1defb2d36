{% test list_items_not_null(model, column_name) %}
    select *
    from {{ model }}
    where {{ tagifai.list_count_non_null(column_name) }} <> {{ tagifai.list_length(column_name) }}
{% endtest %}
