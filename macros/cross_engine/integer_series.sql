{% macro integer_series(upper_expr) -%}
    {{ return(adapter.dispatch('integer_series', 'tagifai')(upper_expr)) }}
{%- endmacro %}

{% macro default__integer_series(upper_expr) -%}
    unnest(generate_series(1, {{ upper_expr }}))
{%- endmacro %}

{% macro spark__integer_series(upper_expr) -%}
    explode(sequence(1, {{ upper_expr }}))
{%- endmacro %}
