{% macro edit_distance(left_expr, right_expr) -%}
    {{ return(adapter.dispatch('edit_distance', 'tagifai')(left_expr, right_expr)) }}
{%- endmacro %}

{#- DuckDB and Spark both name it levenshtein. -#}
{% macro default__edit_distance(left_expr, right_expr) -%}
    levenshtein({{ left_expr }}, {{ right_expr }})
{%- endmacro %}
