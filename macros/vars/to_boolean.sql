{% macro to_boolean(value, what) -%}
    {%- if value in [true, 1] or (value is string and value | lower in ['true', '1', 'yes']) -%}
        {{ return(true) }}
    {%- elif value in [false, 0, none] or (value is string and value | lower in ['false', '0', 'no', '']) -%}
        {{ return(false) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(what ~ " must be true or false, got: " ~ value) }}
{%- endmacro %}
