{% macro ordered_list_agg(value_expr, order_expr, filter_expr=none) -%}
    {{ return(adapter.dispatch('ordered_list_agg', 'tagifai')(value_expr, order_expr, filter_expr)) }}
{%- endmacro %}

{% macro default__ordered_list_agg(value_expr, order_expr, filter_expr=none) -%}
    list({{ value_expr }} order by {{ order_expr }})
    {%- if filter_expr is not none %} filter (where {{ filter_expr }}){% endif %}
{%- endmacro %}

{% macro spark__ordered_list_agg(value_expr, order_expr, filter_expr=none) -%}
    {#- collect_list ignores order; sort structs by position, then keep the values. -#}
    transform(
        array_sort(
            collect_list(struct({{ order_expr }} as sort_key, {{ value_expr }} as sort_value))
            {%- if filter_expr is not none %} filter (where {{ filter_expr }}){% endif %}
        ),
        element -> element.sort_value
    )
{%- endmacro %}
