{#- Why constants: a pattern read from a joined column is compiled again for every (project, function) pair;
    written into the SQL it is compiled once. -#}
{% macro labeling_function_definitions() -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set query -%}
        select lf_name, kind, pattern, is_case_sensitive
        from {{ ref('labeling_functions') }}
        order by lf_name
    {%- endset -%}
    {%- set functions = [] -%}
    {%- for row in run_query(query).rows -%}
        {%- do functions.append({
            'lf_name': row[0], 'kind': row[1], 'pattern': row[2], 'is_case_sensitive': row[3]
        }) -%}
    {%- endfor -%}
    {{ return(functions) }}
{%- endmacro %}
