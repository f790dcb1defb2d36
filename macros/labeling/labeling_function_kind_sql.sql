{#- How a labeling function is classified in lf_summary.function_kind, as SQL over the seed's kind and
    pattern columns: 'keyword' for a keyword made only of ASCII letters and digits (a whole word, found by
    instr and confirmed by one regular expression), 'regex' for the others (regexes, and keywords with other
    characters such as c++). -#}
{% macro labeling_function_kind_sql(kind_expr, pattern_expr) -%}
    case
        when {{ kind_expr }} = 'keyword' and {{ tagifai.regex_full_match(pattern_expr, "'[0-9A-Za-z]+'") }}
            then 'keyword'
        else 'regex'
    end
{%- endmacro %}
