{% test matches_regex(model, column_name, pattern) %}
    select *
    from {{ model }}
    where {{ column_name }} is not null
        and not {{ tagifai.regex_full_match(column_name, tagifai.sql_string_literal(pattern)) }}
{% endtest %}
