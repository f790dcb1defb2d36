{% macro list_filter_in(list_expr, set_expr) -%}
    {{ return(adapter.dispatch('list_filter_in', 'tagifai')(list_expr, set_expr)) }}
{%- endmacro %}

{% macro default__list_filter_in(list_expr, set_expr) -%}
    list_filter({{ list_expr }}, lambda item: list_contains({{ set_expr }}, item))
{%- endmacro %}

{% macro spark__list_filter_in(list_expr, set_expr) -%}
    filter({{ list_expr }}, item -> array_contains({{ set_expr }}, item))
{%- endmacro %}
