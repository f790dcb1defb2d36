{% macro regex_full_match(string_expr, pattern_sql) -%}
    {{ return(adapter.dispatch('regex_full_match', 'tagifai')(string_expr, pattern_sql)) }}
{%- endmacro %}

{% macro default__regex_full_match(string_expr, pattern_sql) -%}
    regexp_full_match({{ string_expr }}, {{ pattern_sql }})
{%- endmacro %}

{% macro spark__regex_full_match(string_expr, pattern_sql) -%}
    {{ string_expr }} rlike concat('^(?:', {{ pattern_sql }}, ')$')
{%- endmacro %}
