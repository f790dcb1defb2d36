{% macro list_count_non_null(list_expr) -%}
    {{ return(adapter.dispatch('list_count_non_null', 'tagifai')(list_expr)) }}
{%- endmacro %}

{% macro default__list_count_non_null(list_expr) -%}
    list_count({{ list_expr }})
{%- endmacro %}

{% macro spark__list_count_non_null(list_expr) -%}
    size(filter({{ list_expr }}, element -> element is not null))
{%- endmacro %}
