{% macro list_count_distinct(list_expr) -%}
    {{ return(adapter.dispatch('list_count_distinct', 'tagifai')(list_expr)) }}
{%- endmacro %}

{% macro default__list_count_distinct(list_expr) -%}
    len(list_distinct({{ list_expr }}))
{%- endmacro %}

{#- Spark's array_distinct keeps one null; DuckDB's list_distinct drops nulls. -#}
{% macro spark__list_count_distinct(list_expr) -%}
    size(array_distinct(filter({{ list_expr }}, element -> element is not null)))
{%- endmacro %}
