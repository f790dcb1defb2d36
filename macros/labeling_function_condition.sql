{#- SQL condition: labeling function `function` (a dict from labeling_function_definitions) fires on the
    text in `text_expr`; `lower_text_expr` is lower(text), computed once per project.
    keyword: the pattern literally, as a whole word (no ASCII letter or digit on either side).
    regex: the pattern anywhere. Both ignore case unless is_case_sensitive.
    A keyword is first looked up as a plain substring (instr, far cheaper than a regular expression); the
    regular expression then runs only on the few texts that contain it. -#}
{% macro labeling_function_condition(function, text_expr, lower_text_expr) -%}
    {%- set is_case_sensitive = function.is_case_sensitive in [true, 'true', 'True', 1] -%}
    {%- set pattern = tagifai.sql_string_literal(function.pattern) -%}
    {%- if function.kind == 'keyword' -%}
        {%- set regex = "'(^|[^0-9A-Za-z])' || " ~ tagifai.regex_escape(pattern) ~ " || '([^0-9A-Za-z]|$)'" -%}
        {%- if is_case_sensitive -%}
            instr({{ text_expr }}, {{ pattern }}) > 0
        {%- elif function.pattern.isascii() -%}
            {#- ASCII only: for other letters lower() and the regex's case folding may disagree. -#}
            instr({{ lower_text_expr }}, {{ tagifai.sql_string_literal(function.pattern | lower) }}) > 0
        {%- else -%}
            true
        {%- endif %}
        and {{ tagifai.regex_search(text_expr, regex, 'true' if is_case_sensitive else 'false') }}
    {%- else -%}
        {{ tagifai.regex_search(text_expr, pattern, 'true' if is_case_sensitive else 'false') }}
    {%- endif -%}
{%- endmacro %}
