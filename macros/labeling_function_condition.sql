{#- SQL condition: labeling function `function` (a dict from labeling_function_definitions) fires on the
    text in `text_expr`; `lower_text_expr` is the text lower-cased for a case-insensitive substring search
    (see labeling_function_lower_text), computed once per project.
    keyword: the pattern literally, as a whole word (no ASCII letter or digit on either side).
    regex: the pattern anywhere. Both ignore case unless is_case_sensitive.
    Each function first looks for a plain substring the text must contain (instr, far cheaper than a
    regular expression): a keyword its own text, a regex the literals of regex_required_literals. The
    regular expression then runs only on the few texts that contain one. -#}
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
    {#- Case-insensitive: lower-cased literals in lower_text, and only ASCII ones (for other letters lower()
        and the regex's case folding may disagree). -#}
    {%- set haystack = text_expr if is_case_sensitive else lower_text_expr -%}
    {%- set needles = literals if is_case_sensitive else literals | map('lower') | list -%}
    {%- if literals and (is_case_sensitive or (literals | join('')).isascii()) -%}
        ({% for needle in needles %}instr({{ haystack }}, {{ tagifai.sql_string_literal(needle) }}) > 0
        {%- if not loop.last %} or {% endif %}{% endfor %}) and
    {%- endif %}
    {{ tagifai.regex_search(text_expr, regex, 'true' if is_case_sensitive else 'false') }}
{%- endmacro %}

{#- SQL: `text_expr` lower-cased so that an ASCII literal is found by instr wherever a case-insensitive
    regular expression (RE2, Java) would match it. RE2 also folds U+017F (long s; written literally because
    Spark's chr() stops at 255) to s, which lower() keeps: the only character outside ASCII that case-folds
    onto an ASCII letter and that lower() does not map (U+212A, the Kelvin sign, lower-cases to k). -#}
{% macro labeling_function_lower_text(text_expr) -%}
    replace(lower({{ text_expr }}), 'ſ', 's')
{%- endmacro %}
