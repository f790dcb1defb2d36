{% macro record_model_parameters(results) -%}
    {{ return(adapter.dispatch('record_model_parameters', 'tagifai')(results)) }}
{%- endmacro %}

{#- on-run-end: for every model, seed and snapshot the run built, the dataset parameters it was built with,
    in build_log.model_parameters (one row per node, its latest successful build). marts.build_parameters
    reads it to say which tables a partial run left stale, and tagifai-release refuses such a warehouse. -#}
{% macro default__record_model_parameters(results) -%}
    {%- if execute and flags.WHICH in ('build', 'run', 'seed', 'snapshot', 'retry') and results -%}
        {%- set readers = tagifai.nodes_reading_dataset_parameters() -%}
        {%- set parameters_json = tojson(tagifai.dataset_parameters(), sort_keys=true) -%}
        {%- set built_at = "cast(" ~ tagifai.sql_string_literal(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) ~ " as timestamp)" -%}
        {%- set rows = [] -%}
        {%- set ids = [] -%}
        {%- for result in results
            if result.node.resource_type in ('model', 'seed', 'snapshot') and (result.status | string) == 'success' -%}
            {%- set node = result.node -%}
            {%- do ids.append(tagifai.sql_string_literal(node.unique_id)) -%}
            {%- do rows.append('(' ~ [
                tagifai.sql_string_literal(node.unique_id),
                tagifai.sql_string_literal(node.name),
                tagifai.sql_string_literal(node.resource_type),
                tagifai.sql_string_literal(node.schema ~ '.' ~ (node.alias or node.name)),
                tagifai.sql_string_literal(parameters_json),
                ('true' if node.unique_id in readers else 'false'),
                tagifai.sql_string_literal(invocation_id),
                built_at,
            ] | join(', ') ~ ')') -%}
        {%- endfor -%}
        {%- if rows -%}
            {% do tagifai.ensure_model_parameters_table() %}
            {% do run_query('delete from build_log.model_parameters where unique_id in (' ~ ids | join(', ') ~ ')') %}
            {% do run_query('insert into build_log.model_parameters values ' ~ rows | join(', ')) %}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- Spark builds are not released: nothing to record. -#}
{% macro spark__record_model_parameters(results) -%}
{%- endmacro %}
