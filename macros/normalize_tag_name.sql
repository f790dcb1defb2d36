{#- A tag name reduced to compare spellings: lowercase, trimmed, runs of spaces, underscores and
    hyphens turned into one hyphen (`Machine Learning`, `machine_learning` -> `machine-learning`). -#}
{% macro normalize_tag_name(string_expr) -%}
    {{ return(adapter.dispatch('normalize_tag_name', 'tagifai')(string_expr)) }}
{%- endmacro %}

{% macro default__normalize_tag_name(string_expr) -%}
    regexp_replace(lower(trim({{ string_expr }})), '[\s_-]+', '-', 'g')
{%- endmacro %}

{% macro spark__normalize_tag_name(string_expr) -%}
    regexp_replace(lower(trim({{ string_expr }})), '[\\s_-]+', '-')
{%- endmacro %}
