{#- The words of the text as a keyword function sees them: runs of ASCII letters and digits, split on every
    other character. U+017F (long s) and U+212A (Kelvin sign) count as letters too, since the regular
    expressions (RE2, Java) fold them onto s and k when they ignore case, so [^0-9A-Za-z] does not match
    them; lower-cased (and long s mapped to s) unless case-sensitive. Split from the original text, not
    from lower(): DuckDB lower-cases U+0130 to an ASCII i, which the regular expressions never fold. -#}
{% macro labeling_function_words(text_expr, is_case_sensitive) -%}
    {{ return(adapter.dispatch('labeling_function_words', 'tagifai')(text_expr, is_case_sensitive)) }}
{%- endmacro %}

{% macro default__labeling_function_words(text_expr, is_case_sensitive) -%}
    {%- if is_case_sensitive -%}
        list_distinct(regexp_split_to_array({{ text_expr }}, '[^0-9A-Za-zſK]+'))
    {%- else -%}
        list_distinct(list_transform(
            regexp_split_to_array({{ text_expr }}, '[^0-9A-Za-zſK]+'), lambda word: replace(lower(word), 'ſ', 's')
        ))
    {%- endif -%}
{%- endmacro %}

{% macro spark__labeling_function_words(text_expr, is_case_sensitive) -%}
    {%- if is_case_sensitive -%}
        array_distinct(split({{ text_expr }}, '[^0-9A-Za-zſK]+'))
    {%- else -%}
        array_distinct(transform(split({{ text_expr }}, '[^0-9A-Za-zſK]+'), word -> replace(lower(word), 'ſ', 's')))
    {%- endif -%}
{%- endmacro %}

{#- The keywords (a list of SQL string literals) that are among the text's words. -#}
{% macro labeling_function_matched_words(words_expr, keywords) -%}
    {{ return(adapter.dispatch('labeling_function_matched_words', 'tagifai')(words_expr, keywords)) }}
{%- endmacro %}

{% macro default__labeling_function_matched_words(words_expr, keywords) -%}
    list_intersect({{ words_expr }}, [{{ keywords | join(', ') }}])
{%- endmacro %}

{% macro spark__labeling_function_matched_words(words_expr, keywords) -%}
    array_intersect({{ words_expr }}, array({{ keywords | join(', ') }}))
{%- endmacro %}
