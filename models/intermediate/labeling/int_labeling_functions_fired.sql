-- Every labeling function (seed labeling_functions) run over every project's text. A `keyword`
-- function matches its pattern literally as a whole word: not preceded or followed by an ASCII letter or
-- digit. A `regex` function matches its pattern anywhere in the text. Both ignore case unless
-- is_case_sensitive.
--
-- The functions are read from the seed when the model runs and written into the SQL as constants
-- (macro labeling_function_definitions): every function is evaluated in one pass over the projects,
-- each regular expression compiled once.
--
-- Incremental, because running 45 functions over every text is the most expensive step of the build
-- (about 12 s at 2M projects) while a load brings few new or changed projects. As in
-- int_project_tags_unnested, a run evaluates the projects loaded after the newest row already here, and the
-- post-hook deletes the rows of changed and removed projects. Each row also carries `functions_version`, a
-- hash of the SQL that evaluated it (every function's condition): editing the seed or the matching
-- macros changes it, the bookmark below then finds no row of the current version, every project is
-- evaluated again, and the post-hook deletes the rows of the old version. On Spark (Parquet, no Delta) a
-- delete is impossible, so there it is rebuilt as a table every run.
--
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
