{% macro regex_escape(string_expr) -%}
    {{ return(adapter.dispatch('regex_escape', 'tagifai')(string_expr)) }}
{%- endmacro %}

{% macro default__regex_escape(string_expr) -%}
    regexp_escape({{ string_expr }})
{%- endmacro %}

{% macro spark__regex_escape(string_expr) -%}
    {#- Java quotes a literal between \Q and \E; a \E inside the text is closed, matched, and reopened. -#}
    concat('\\Q', replace({{ string_expr }}, '\\E', '\\E\\\\E\\Q'), '\\E')
{%- endmacro %}
