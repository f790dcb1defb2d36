{% test not_blank_string(model, column_name) %}
    select *
    from {{ model }}
    where {{ tagifai.is_blank_string(column_name) }}
{% endtest %}
