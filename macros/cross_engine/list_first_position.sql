{% macro list_first_position(list_expr, value_expr) -%}
    {{ return(adapter.dispatch('list_first_position', 'tagifai')(list_expr, value_expr)) }}
{%- endmacro %}

{% macro default__list_first_position(list_expr, value_expr) -%}
    list_position({{ list_expr }}, {{ value_expr }})
{%- endmacro %}

{% macro spark__list_first_position(list_expr, value_expr) -%}
    array_position({{ list_expr }}, {{ value_expr }})
{%- endmacro %}
