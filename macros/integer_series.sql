{#- A select-list expression that expands one row into one row per integer from 1 to `upper_expr`
    (inclusive): `select {{ integer_series('bounds.max_frequency') }} as n from bounds`.
    A null or zero bound gives no row. -#}
{% macro integer_series(upper_expr) -%}
    {{ return(adapter.dispatch('integer_series', 'tagifai')(upper_expr)) }}
{%- endmacro %}

{% macro default__integer_series(upper_expr) -%}
    unnest(generate_series(1, {{ upper_expr }}))
{%- endmacro %}

{% macro spark__integer_series(upper_expr) -%}
    explode(sequence(1, {{ upper_expr }}))
{%- endmacro %}
