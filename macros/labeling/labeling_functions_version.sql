{% macro labeling_functions_version(functions) -%}
    {%- set parts = [tagifai.labeling_function_lower_text('text')] -%}
    {%- for function in functions -%}
        {%- do parts.append(function.lf_name ~ ': ' ~ tagifai.labeling_function_condition(function, 'text', 'lower_text')) -%}
    {%- endfor -%}
    {{ return(local_md5(parts | join('\n'))) }}
{%- endmacro %}
