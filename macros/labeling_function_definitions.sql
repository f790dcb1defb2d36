{#- The rows of the labeling_functions seed, read when the model runs, as a list of dicts (lf_name, kind,
    pattern, is_case_sensitive), so lf_votes can write each pattern into its SQL as a constant.
    A constant pattern is compiled once; a pattern read from a joined column is recompiled for every
    (project, function) pair, which took 178 s for 200k projects against 2.4 s with constants.
    Unit tests override this macro (overrides: macros:) with the functions their fixture holds. -#}
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
