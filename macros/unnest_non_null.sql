{#- A select-list expression giving one row per non-null value among `expressions` (a list of SQL
    expressions of type `data_type`), evaluated on the current row: one pass over the rows for many
    expressions. No expression gives no row. -#}
{% macro unnest_non_null(expressions, data_type) -%}
    {%- set expressions = expressions or ['cast(null as ' ~ data_type ~ ')'] -%}
    {{ return(adapter.dispatch('unnest_non_null', 'tagifai')(expressions)) }}
{%- endmacro %}

{% macro default__unnest_non_null(expressions) -%}
    unnest(list_filter([
        {{ expressions | join(',\n        ') }}
    ], lambda value: value is not null))
{%- endmacro %}

{% macro spark__unnest_non_null(expressions) -%}
    explode(filter(array(
        {{ expressions | join(',\n        ') }}
    ), value -> value is not null))
{%- endmacro %}
