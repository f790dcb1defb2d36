{#- 'keyword' when the function is a keyword made only of ASCII letters and digits: such a keyword matches
    exactly when it is one of the text's words (labeling_function_words), so it is looked up, not searched
    for. 'regex' for everything else (a regex, or a keyword with other characters such as c++): its
    condition is labeling_function_condition. -#}
{% macro labeling_function_kind(function) -%}
    {%- if function.kind == 'keyword' and modules.re.fullmatch('[0-9A-Za-z]+', function.pattern | string) -%}
        {{ return('keyword') }}
    {%- endif -%}
    {{ return('regex') }}
{%- endmacro %}

{#- The same rule as labeling_function_kind, as SQL over the seed's kind and pattern columns (for marts that
    read the seed as a table). -#}
{% macro labeling_function_kind_sql(kind_expr, pattern_expr) -%}
    case
        when {{ kind_expr }} = 'keyword' and {{ tagifai.regex_full_match(pattern_expr, "'[0-9A-Za-z]+'") }}
            then 'keyword'
        else 'regex'
    end
{%- endmacro %}
