{% macro unnest_non_null(expressions, data_type) -%}
    {#- A typed null when there is no expression, so the select list stays valid and gives no row. -#}
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
