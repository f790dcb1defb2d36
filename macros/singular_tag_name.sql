{#- A normalized tag name with one plural `s` removed (`transformers` -> `transformer`), to match
    singular and plural spellings. Words ending in `ss` and names of 3 characters or fewer are kept.
    Plain SQL (length, substr, like), so no engine dispatch. -#}
{% macro singular_tag_name(string_expr) -%}
    case
        when
            {{ string_expr }} like '%s'
            and {{ string_expr }} not like '%ss'
            and length({{ string_expr }}) > 3
            then substr({{ string_expr }}, 1, length({{ string_expr }}) - 1)
        else {{ string_expr }}
    end
{%- endmacro %}
