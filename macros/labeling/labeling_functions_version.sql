{% macro labeling_functions_version(functions) -%}
    {%- set parts = [
        tagifai.labeling_function_lower_text('text'),
        tagifai.labeling_function_words('text', false),
        tagifai.labeling_function_words('text', true),
    ] -%}
    {%- for function in functions -%}
        {%- if tagifai.labeling_function_kind(function) == 'keyword' -%}
            {%- do parts.append(function.lf_name ~ ': word ' ~ function.pattern ~ ' ' ~ function.is_case_sensitive) -%}
        {%- else -%}
            {%- do parts.append(function.lf_name ~ ': ' ~ tagifai.labeling_function_condition(function, 'text', 'lower_text')) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(local_md5(parts | join('\n'))) }}
{%- endmacro %}
