{% macro list_join(list_expr, separator_expr) -%}
    {{ return(adapter.dispatch('list_join', 'tagifai')(list_expr, separator_expr)) }}
{%- endmacro %}

{% macro default__list_join(list_expr, separator_expr) -%}
    array_to_string({{ list_expr }}, {{ separator_expr }})
{%- endmacro %}

{% macro spark__list_join(list_expr, separator_expr) -%}
    array_join({{ list_expr }}, {{ separator_expr }})
{%- endmacro %}
