{% macro string_var(name, default=none, pattern=none) -%}
    {%- set value = var(name) if default is none else var(name, default) -%}
    {%- set text = value | string | trim -%}
    {#- Vars reach SQL as text: only a value matching `pattern` (whole) passes, so it cannot carry SQL. -#}
    {%- if value is none or value is boolean or text == ''
          or (pattern is not none and modules.re.fullmatch(pattern, text) is none) -%}
        {{ exceptions.raise_compiler_error(
            "var '" ~ name ~ "' must be text" ~ (" matching " ~ pattern if pattern is not none else "")
            ~ ", got " ~ (text | tojson) ~ "; e.g. dbt compile --vars '{" ~ name ~ ": \"2021-03\"}'"
        ) }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}
