{#- A hash of how the labeling functions `functions` (from labeling_function_definitions) are evaluated:
    the SQL of every function's condition and of the lower-cased text they search. Stored with every row
    of int_labeling_functions_fired, so that editing the seed, or a macro that changes what a pattern
    matches, makes the next build evaluate every project again instead of keeping stale rows. -#}
{% macro labeling_functions_version(functions) -%}
    {%- set parts = [tagifai.labeling_function_lower_text('text')] -%}
    {%- for function in functions -%}
        {%- do parts.append(function.lf_name ~ ': ' ~ tagifai.labeling_function_condition(function, 'text', 'lower_text')) -%}
    {%- endfor -%}
    {{ return(local_md5(parts | join('\n'))) }}
{%- endmacro %}
