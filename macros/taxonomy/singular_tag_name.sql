{#- Plain SQL (length, substr, like) that both engines read alike: no dispatch. -#}
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
