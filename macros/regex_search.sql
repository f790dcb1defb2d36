{#- True when the regular expression `pattern_expr` (a SQL expression) matches anywhere in `string_expr`;
    case-insensitive unless `case_sensitive_expr` is true. Patterns use the syntax RE2 (DuckDB) and
    Java (Spark) share: classes, alternation, groups, ? * + and {n,m}; no lookaround, no backreferences. -#}
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
