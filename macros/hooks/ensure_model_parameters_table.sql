{#- build_log.model_parameters, created when missing: on-run-start creates it before any model (the view
    marts.build_parameters reads it), record_model_parameters fills it. -#}
{% macro ensure_model_parameters_table() -%}
    {% do run_query('create schema if not exists build_log') %}
    {% do run_query(
        'create table if not exists build_log.model_parameters ('
        ~ 'unique_id varchar primary key, node_name varchar, resource_type varchar, relation_name varchar, '
        ~ 'parameters_json varchar, reads_dataset_parameters boolean, invocation_id varchar, built_at timestamp)'
    ) %}
{%- endmacro %}
