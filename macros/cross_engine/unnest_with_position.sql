{% macro unnest_with_position(list_expr, value_name, position_name) -%}
    {{ return(adapter.dispatch('unnest_with_position', 'tagifai')(list_expr, value_name, position_name)) }}
{%- endmacro %}

{#- Not `unnest ... with ordinality`: DuckDB plans that lateral join as a dependent join that hashes every
    outer row, while a lateral subquery of unnest + generate_subscripts becomes a plain UNNEST projection. -#}
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
