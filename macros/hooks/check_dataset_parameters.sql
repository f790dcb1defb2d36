{% macro check_dataset_parameters() -%}
    {{ return(adapter.dispatch('check_dataset_parameters', 'tagifai')()) }}
{%- endmacro %}

{#- on-run-start: create build_log.model_parameters when missing, and say when this command's dataset
    parameters (dbt_project.yml vars, or --vars) differ from those marts.labeled_projects was built with:
    a `dbt test` then judges with other parameters, and a partial build leaves the tables it does not
    rebuild stale (marts.build_parameters lists them; tagifai-release refuses until all agree). -#}
{% macro default__check_dataset_parameters() -%}
    {%- if execute and flags.WHICH in ('build', 'run', 'test', 'seed', 'snapshot', 'retry') -%}
        {% do tagifai.ensure_model_parameters_table() %}
        {%- set current = tojson(tagifai.dataset_parameters(), sort_keys=true) -%}
        {%- set built = run_query(
            "select parameters_json from build_log.model_parameters where unique_id = 'model.tagifai.labeled_projects'"
        ) -%}
        {%- if built.rows | length > 0 and built.rows[0][0] != current -%}
            {{ log('tagifai: marts.labeled_projects was built with ' ~ built.rows[0][0] ~ '; this dbt ' ~ flags.WHICH
                   ~ ' runs with ' ~ current ~ ' (dbt_project.yml vars and --vars). To judge or extend what was '
                   ~ 'built, pass those --vars; tables not rebuilt with the new ones are listed stale in '
                   ~ 'marts.build_parameters.', info=true) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{% macro spark__check_dataset_parameters() -%}
{%- endmacro %}
