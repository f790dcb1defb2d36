{#- Blank as the loader judges it (scripts/tagifai/ingest/records.py, required_string): empty, or nothing but
    spaces, tabs, newlines, form feeds and carriage returns. trim() alone removes only spaces. Only a value
    that starts with one of those characters pays for the trim. -#}
{% macro is_blank_string(string_expr) -%}
    {{ return(adapter.dispatch('is_blank_string', 'tagifai')(string_expr)) }}
{%- endmacro %}

{% macro default__is_blank_string(string_expr) -%}
    ({{ string_expr }} = '' or (ascii({{ string_expr }}) in (32, 9, 10, 12, 13)
        and ltrim({{ string_expr }}, chr(32) || chr(9) || chr(10) || chr(12) || chr(13)) = ''))
{%- endmacro %}

{% macro spark__is_blank_string(string_expr) -%}
    ({{ string_expr }} = '' or (ascii({{ string_expr }}) in (32, 9, 10, 12, 13)
        and trim(leading chr(32) || chr(9) || chr(10) || chr(12) || chr(13) from {{ string_expr }}) = ''))
{%- endmacro %}
