{% macro record_build_results(results) -%}
    {{ return(adapter.dispatch('record_build_results', 'tagifai')(results)) }}
{%- endmacro %}

{#- One row per node a run executed, in build_log.build_results, so that tagifai-release can check that the
    build which made marts.labeled_projects passed its error tests, and name its warnings in the manifest.
    Written in the run's own warehouse: a staged build records its results in the copy it publishes. -#}
{% macro default__record_build_results(results) -%}
    {%- if execute and flags.WHICH in ('build', 'run', 'test', 'seed', 'snapshot') and results -%}
        {%- set rows = [] -%}
        {%- for result in results -%}
            {%- set node = result.node -%}
            {%- set severity = (node.config.severity | lower) if node.resource_type == 'test' else none -%}
            {%- do rows.append('(' ~ [
                tagifai.sql_string_literal(invocation_id),
                tagifai.sql_string_literal(flags.WHICH),
                "cast(" ~ tagifai.sql_string_literal(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) ~ " as timestamp)",
                tagifai.sql_string_literal(node.unique_id),
                tagifai.sql_string_literal(node.resource_type),
                tagifai.sql_string_literal(node.name),
                tagifai.sql_string_literal(result.status | string),
                (tagifai.sql_string_literal(severity) if severity else 'null'),
                ((result.failures | int) if result.failures is not none else 'null'),
                tagifai.sql_string_literal((result.message or '') | string | truncate(500, true, '...', 0)),
            ] | join(', ') ~ ')') -%}
        {%- endfor -%}
        {% do run_query('create schema if not exists build_log') %}
        {% do run_query(
            'create table if not exists build_log.build_results ('
            ~ 'invocation_id varchar, command varchar, run_started_at timestamp, unique_id varchar, '
            ~ 'resource_type varchar, node_name varchar, status varchar, severity varchar, failures bigint, '
            ~ 'message varchar)'
        ) %}
        {% do run_query('insert into build_log.build_results values ' ~ rows | join(', ')) %}
    {%- endif -%}
{%- endmacro %}

{#- Spark builds are not released (tagifai-release reads the DuckDB warehouse): nothing to record. -#}
{% macro spark__record_build_results(results) -%}
{%- endmacro %}
