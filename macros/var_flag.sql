{#- A boolean dbt var as a SQL literal (`true`/`false`), accepting true/false, 'true'/'false', 1/0 as
    passed with --vars. Models filter with it instead of `{% if %}` so their refs and shape never change
    (the two marts whose refs do follow the vars use tag_lists_change, see there). -#}
{% macro var_flag(var_name) -%}
    {{- 'true' if tagifai.to_boolean(var(var_name), 'var ' ~ var_name) else 'false' -}}
{%- endmacro %}

{#- A yes/no value as a Jinja boolean: true/false, 'true'/'false' in any case, 1/0, 'yes'/'no' (vars from the
    command line, seed cells read with run_query, YAML fixtures). `what` names it in the error. -#}
{% macro to_boolean(value, what) -%}
    {%- if value in [true, 1] or (value is string and value | lower in ['true', '1', 'yes']) -%}
        {{ return(true) }}
    {%- elif value in [false, 0, none] or (value is string and value | lower in ['false', '0', 'no', '']) -%}
        {{ return(false) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(what ~ " must be true or false, got: " ~ value) }}
{%- endmacro %}
