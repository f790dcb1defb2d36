{% macro normalize_tag_name(string_expr) -%}
    {{ return(adapter.dispatch('normalize_tag_name', 'tagifai')(string_expr)) }}
{%- endmacro %}

{% macro default__normalize_tag_name(string_expr) -%}
    regexp_replace(lower(trim({{ string_expr }})), '[\s_-]+', '-', 'g')
{%- endmacro %}

{#- Spark replaces every match without a flag, and its literals need the backslash doubled. -#}
{% macro spark__normalize_tag_name(string_expr) -%}
    regexp_replace(lower(trim({{ string_expr }})), '[\\s_-]+', '-')
{%- endmacro %}
