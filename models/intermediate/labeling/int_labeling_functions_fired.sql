-- Incremental as int_project_tags_unnested is (evaluating every function over every text is the costliest
-- step, while a load brings few changed projects). functions_version changes whenever the seed or the
-- matching macros do, so the bookmark then finds no row and every project is evaluated again.
-- The functions are read from the seed in Jinja, so dbt needs the edge spelled out:
-- depends_on: {{ ref('labeling_functions') }}
{{
    config(
        materialized=('table' if target.type == 'spark' else 'incremental'),
        incremental_strategy='append',
        on_schema_change='fail',
        post_hook=([] if target.type == 'spark' else "{{ delete_stale_project_rows(this,
            'functions_version <> ' ~ sql_string_literal(labeling_functions_version(labeling_function_definitions()))
        ) }}"),
    )
}}
{%- set functions = labeling_function_definitions() %}
{%- set functions_version = labeling_functions_version(functions) %}
{%- set fired_names = [] %}
{%- for function in functions %}
    {%- do fired_names.append(
        'case when ' ~ labeling_function_condition(function, 'text', 'lower_text')
        ~ ' then ' ~ sql_string_literal(function.lf_name) ~ ' end'
    ) %}
{%- endfor %}
with projects as (
    select
        project_id,
        text,
        {{ labeling_function_lower_text('text') }} as lower_text,
        loaded_at
    from {{ ref('stg_madewithml__projects') }}
    {% if is_incremental() %}
        where loaded_at > (
            select coalesce(max(already_built.loaded_at), '1900-01-01')
            from {{ this }} as already_built
            where already_built.functions_version = {{ sql_string_literal(functions_version) }}
        )
    {% endif %}
),

fired as (
    select
        project_id,
        {{ unnest_non_null(fired_names, dbt.type_string()) }} as lf_name,
        loaded_at
    from projects
),

final as (
    select
        project_id,
        lf_name,
        loaded_at,
        {{ sql_string_literal(functions_version) }} as functions_version
    from fired
)

select * from final
