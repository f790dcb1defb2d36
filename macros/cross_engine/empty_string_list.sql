{% macro empty_string_list() -%}
    {{ return(adapter.dispatch('empty_string_list', 'tagifai')()) }}
{%- endmacro %}

{% macro default__empty_string_list() -%}
    cast([] as varchar [])
{%- endmacro %}

{% macro spark__empty_string_list() -%}
    cast(array() as array<string>)
{%- endmacro %}
