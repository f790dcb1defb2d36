-- Incremental as int_project_tags_unnested is (evaluating the functions over every text is the costliest
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
{#- Keyword functions (labeling_function_kind) are looked up among the text's words, split once per
    project; the others run as conditions, each a column of one pass. -#}
{%- set fired_names = [] %}
{%- set keywords = {'any_case': [], 'case_sensitive': []} %}
{%- for function in functions %}
    {%- set is_case_sensitive = to_boolean(
        function.is_case_sensitive, 'is_case_sensitive of labeling function ' ~ function.lf_name
    ) %}
    {%- if labeling_function_kind(function) == 'keyword' %}
        {%- do keywords['case_sensitive' if is_case_sensitive else 'any_case'].append({
            'word': function.pattern if is_case_sensitive else function.pattern | lower,
            'lf_name': function.lf_name,
        }) %}
    {%- else %}
        {%- do fired_names.append(
            'case when ' ~ labeling_function_condition(function, 'text', 'lower_text')
            ~ ' then ' ~ sql_string_literal(function.lf_name) ~ ' end'
        ) %}
    {%- endif %}
{%- endfor %}
{#- New and changed projects only, on an incremental run. -#}
{%- set since_last_run %}
    {% if is_incremental() %}
        where loaded_at > (
            select coalesce(max(already_built.loaded_at), '1900-01-01')
            from {{ this }} as already_built
            where already_built.functions_version = {{ sql_string_literal(functions_version) }}
        )
    {% endif %}
{%- endset %}
-- Two reads of the projects, not one CTE read twice (DuckDB would materialize a copy of every text).
with projects as (
    select
        project_id,
        text,
        {{ labeling_function_lower_text('text') }} as lower_text,
        loaded_at
    from {{ ref('stg_madewithml__projects') }}
    {{ since_last_run }}
),

fired_by_condition as (
    select
        project_id,
        {{ unnest_non_null(fired_names, dbt.type_string()) }} as lf_name,
        loaded_at
    from projects
),
{%- for suffix in ['any_case', 'case_sensitive'] if keywords[suffix] %}
    {%- set words = [] %}
    {%- for keyword in keywords[suffix] if sql_string_literal(keyword.word) not in words %}
        {%- do words.append(sql_string_literal(keyword.word)) %}
    {%- endfor %}

    keywords_{{ suffix }} as (
        {%- for keyword in keywords[suffix] %}
            select
                {{ sql_string_literal(keyword.word) }} as word,
                {{ sql_string_literal(keyword.lf_name) }} as lf_name
            {%- if not loop.last %}
                union all
            {%- endif %}
        {%- endfor %}
    ),

    words_{{ suffix }} as (
        select
            projects.project_id,
            unnested_list.word,
            projects.loaded_at
        from (
            select
                project_id,
                text,
                loaded_at
            from {{ ref('stg_madewithml__projects') }}
            {{ since_last_run }}
        ) as projects
        {{ unnest_with_position(
            labeling_function_matched_words(labeling_function_words('projects.text', suffix == 'case_sensitive'), words),
            'word', 'word_position'
        ) }}
    ),
{%- endfor %}

fired as (
    select
        project_id,
        lf_name,
        loaded_at
    from fired_by_condition
    {%- for suffix in ['any_case', 'case_sensitive'] if keywords[suffix] %}
        union all
        select
            words_{{ suffix }}.project_id,
            keywords_{{ suffix }}.lf_name,
            words_{{ suffix }}.loaded_at
        from words_{{ suffix }}
        inner join keywords_{{ suffix }} on words_{{ suffix }}.word = keywords_{{ suffix }}.word
    {%- endfor %}
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
