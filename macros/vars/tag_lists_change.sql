{% macro tag_lists_change() -%}
    {{ return(tagifai.bool_var('resolve_aliases') or tagifai.bool_var('expand_parents')) }}
{%- endmacro %}
