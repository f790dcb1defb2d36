{% macro number_var(name, default=none, min_value=none, max_value=none) -%}
    {%- set value = var(name) if default is none else var(name, default) -%}
    {%- set text = value | string | trim -%}
    {#- Vars reach SQL as text: only a plain decimal number may pass. -#}
    {%- if value is boolean or modules.re.fullmatch('-?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?', text) is none -%}
        {{ exceptions.raise_compiler_error(
            "var '" ~ name ~ "' must be a number, got " ~ (text | tojson)
            ~ "; e.g. dbt build --vars '{" ~ name ~ ": 0.05}'"
        ) }}
    {%- endif -%}
    {%- set number = text | float -%}
    {%- if (min_value is not none and number < min_value) or (max_value is not none and number > max_value) -%}
        {{ exceptions.raise_compiler_error(
            "var '" ~ name ~ "' must be "
            ~ ("at least " ~ min_value if max_value is none else "at most " ~ max_value if min_value is none
               else "between " ~ min_value ~ " and " ~ max_value)
            ~ ", got " ~ text
        ) }}
    {%- endif -%}
    {{ return(number) }}
{%- endmacro %}
