{#- Why the replace: RE2 case-folds U+017F (long s; written literally because Spark's chr() stops at 255) to
    s, which lower() keeps: the only non-ASCII character that folds onto an ASCII letter and that lower()
    does not map (U+212A, the Kelvin sign, lower-cases to k). -#}
{% macro labeling_function_lower_text(text_expr) -%}
    replace(lower({{ text_expr }}), 'ſ', 's')
{%- endmacro %}
