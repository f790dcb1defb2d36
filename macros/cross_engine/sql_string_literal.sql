{% macro sql_string_literal(value) -%}
    {{ return(adapter.dispatch('sql_string_literal', 'tagifai')(value)) }}
{%- endmacro %}

{% macro default__sql_string_literal(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__sql_string_literal(value) -%}
    {#- Spark reads backslash escapes in literals: '\d' would become 'd'. -#}
    '{{ value | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}
