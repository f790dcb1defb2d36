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
