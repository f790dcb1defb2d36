{% macro regex_search(string_expr, pattern_expr, case_sensitive_expr) -%}
    {{ return(adapter.dispatch('regex_search', 'tagifai')(string_expr, pattern_expr, case_sensitive_expr)) }}
{%- endmacro %}

{% macro default__regex_search(string_expr, pattern_expr, case_sensitive_expr) -%}
    regexp_matches(
        {{ string_expr }},
        case when {{ case_sensitive_expr }} then {{ pattern_expr }} else '(?i)' || {{ pattern_expr }} end
    )
{%- endmacro %}

{% macro spark__regex_search(string_expr, pattern_expr, case_sensitive_expr) -%}
    {{ string_expr }} rlike (
        case when {{ case_sensitive_expr }} then {{ pattern_expr }} else concat('(?i)', {{ pattern_expr }}) end
    )
{%- endmacro %}
