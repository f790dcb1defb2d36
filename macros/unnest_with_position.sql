{#- A join clause that turns each element of `list_expr` into a row, numbering elements from 1 in
    list order: `from projects {{ unnest_with_position('projects.tags', 'tag', 'tag_position') }}`.
    Rows whose list is empty or null produce no row (like pandas' explode followed by dropna). -#}
{% macro unnest_with_position(list_expr, value_name, position_name) -%}
    {{ return(adapter.dispatch('unnest_with_position', 'tagifai')(list_expr, value_name, position_name)) }}
{%- endmacro %}

{% macro default__unnest_with_position(list_expr, value_name, position_name) -%}
    cross join lateral unnest({{ list_expr }}) with ordinality as unnested_list ({{ value_name }}, {{ position_name }})
{%- endmacro %}

{#- DuckDB: `unnest ... with ordinality` in a lateral join is planned as a dependent join that hashes every
    outer row (about 10x slower at 2M projects); a lateral subquery of unnest + generate_subscripts is
    rewritten into a plain UNNEST projection. Same rows, same numbering from 1, empty and null lists give none. -#}
{% macro duckdb__unnest_with_position(list_expr, value_name, position_name) -%}
    cross join lateral (
        select
            unnest({{ list_expr }}) as {{ value_name }},
            generate_subscripts({{ list_expr }}, 1) as {{ position_name }}
    ) as unnested_list
{%- endmacro %}

{% macro spark__unnest_with_position(list_expr, value_name, position_name) -%}
    {#- Spark has no `unnest ... with ordinality`: pair each element with its 0-based index, number from 1. -#}
    cross join lateral inline(
        transform({{ list_expr }}, (list_element, list_index) -> struct(list_element, cast(list_index + 1 as bigint)))
    ) as unnested_list ({{ value_name }}, {{ position_name }})
{%- endmacro %}
