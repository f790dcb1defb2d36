{% test list_not_empty(model, column_name) %}
    select *
    from {{ model }}
    where {{ column_name }} is null or {{ tagifai.list_length(column_name) }} = 0
{% endtest %}
