{#- Fails for each row whose string column is empty or only whitespace (nulls are not_null's job). -#}
{% test not_blank_string(model, column_name) %}
    select *
    from {{ model }}
    where trim({{ column_name }}) = ''
{% endtest %}
