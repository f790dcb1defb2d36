{#- The value of dbt var `name` as a plain integer literal, or a compilation error. Vars reach SQL as
    text, so a value such as "1; drop table raw.projects" must stop the build, not run. -#}
{% macro integer_var(name) -%}
    {%- set text = var(name) | string | trim -%}
    {%- if var(name) is boolean or modules.re.fullmatch('-?[0-9]+', text) is none -%}
        {{ exceptions.raise_compiler_error(
            "var '" ~ name ~ "' must be a whole number, got " ~ (text | tojson)
            ~ "; e.g. dbt build --vars '{" ~ name ~ ": 30}'"
        ) }}
    {%- endif -%}
    {{- text | int -}}
{%- endmacro %}
