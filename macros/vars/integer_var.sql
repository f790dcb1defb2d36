{% macro integer_var(name, default=none, min_value=none, max_value=none) -%}
    {%- set value = var(name) if default is none else var(name, default) -%}
    {%- set text = value | string | trim -%}
    {#- Vars reach SQL as text: a value such as "1; drop table raw.projects" must stop the build, not run. -#}
    {%- if value is boolean or modules.re.fullmatch('-?[0-9]+', text) is none -%}
        {{ exceptions.raise_compiler_error(
            "var '" ~ name ~ "' must be a whole number, got " ~ (text | tojson)
            ~ "; e.g. dbt build --vars '{" ~ name ~ ": 30}'"
        ) }}
    {%- endif -%}
    {%- set number = text | int -%}
    {%- if (min_value is not none and number < min_value) or (max_value is not none and number > max_value) -%}
        {{ exceptions.raise_compiler_error(
            "var '" ~ name ~ "' must be "
            ~ ("at least " ~ min_value if max_value is none else "at most " ~ max_value if min_value is none
               else "between " ~ min_value ~ " and " ~ max_value)
            ~ ", got " ~ number
        ) }}
    {%- endif -%}
    {{ return(number) }}
{%- endmacro %}
