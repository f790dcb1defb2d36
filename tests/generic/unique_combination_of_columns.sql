{#- nullable_columns is read by the conventions check (scripts/tagifai/conventions.py), not here: group by
    treats nulls as equal, so each null of a nullable key column counts as one value. -#}
{% test unique_combination_of_columns(model, combination_of_columns, nullable_columns=none) %}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}
