{#- Levenshtein distance between two strings (insertions, deletions, substitutions). -#}
{% macro edit_distance(left_expr, right_expr) -%}
    {{ return(adapter.dispatch('edit_distance', 'tagifai')(left_expr, right_expr)) }}
{%- endmacro %}

{% macro default__edit_distance(left_expr, right_expr) -%}
    levenshtein({{ left_expr }}, {{ right_expr }})
{%- endmacro %}

{% macro spark__edit_distance(left_expr, right_expr) -%}
    levenshtein({{ left_expr }}, {{ right_expr }})
{%- endmacro %}
