{% macro list_length(list_expr) -%}
    {{ return(adapter.dispatch('list_length', 'tagifai')(list_expr)) }}
{%- endmacro %}

{% macro default__list_length(list_expr) -%}
    len({{ list_expr }})
{%- endmacro %}

{% macro spark__list_length(list_expr) -%}
    size({{ list_expr }})
{%- endmacro %}
