{% macro labeling_function_condition(function, text_expr, lower_text_expr) -%}
    {%- set is_case_sensitive = tagifai.to_boolean(
        function.is_case_sensitive, 'is_case_sensitive of labeling function ' ~ function.lf_name
    ) -%}
    {%- set pattern = tagifai.sql_string_literal(function.pattern) -%}
    {%- if function.kind == 'keyword' -%}
        {%- set regex = "'(^|[^0-9A-Za-z])' || " ~ tagifai.regex_escape(pattern) ~ " || '([^0-9A-Za-z]|$)'" -%}
        {%- set literals = [function.pattern] -%}
    {%- else -%}
        {%- set regex = pattern -%}
        {%- set literals = tagifai.regex_required_literals(function.pattern) -%}
    {%- endif -%}
    {#- A plain substring search (instr) is far cheaper than a regular expression, so it filters first.
        Case-insensitive: lower-cased literals in lower_text, and only ASCII ones (for other letters lower()
        and the regex's case folding may disagree). -#}
    {%- set haystack = text_expr if is_case_sensitive else lower_text_expr -%}
    {%- set needles = literals if is_case_sensitive else literals | map('lower') | list -%}
    {%- if literals and (is_case_sensitive or (literals | join('')).isascii()) -%}
        ({% for needle in needles %}instr({{ haystack }}, {{ tagifai.sql_string_literal(needle) }}) > 0
        {%- if not loop.last %} or {% endif %}{% endfor %}) and
    {%- endif %}
    {{ tagifai.regex_search(text_expr, regex, 'true' if is_case_sensitive else 'false') }}
{%- endmacro %}
