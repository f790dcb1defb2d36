{#- A boolean dbt var as a SQL literal (`true`/`false`), accepting true/false, 'true'/'false', 1/0 as
    passed with --vars. Models filter with it instead of `{% if %}` so their refs and shape never change. -#}
{% macro var_flag(var_name) -%}
    {%- set value = var(var_name) -%}
    {%- if value in [true, 1] or (value is string and value | lower in ['true', '1', 'yes']) -%}
        true
    {%- elif value in [false, 0, none] or (value is string and value | lower in ['false', '0', 'no', '']) -%}
        false
    {%- else -%}
        {{ exceptions.raise_compiler_error("var " ~ var_name ~ " must be true or false, got: " ~ value) }}
    {%- endif -%}
{%- endmacro %}
