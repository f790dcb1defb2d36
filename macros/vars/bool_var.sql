{% macro bool_var(name, default=none) -%}
    {%- set value = var(name) if default is none else var(name, default) -%}
    {{ return(tagifai.to_boolean(value, "var '" ~ name ~ "'")) }}
{%- endmacro %}
