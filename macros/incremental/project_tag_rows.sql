{#- Upkeep of an incremental table with exactly one row per (loaded project, kept tag), such as
    tag_model_predictions and label_model: at millions of projects it holds tens of millions of rows, so a
    run must touch only the rows of what changed, not scan the table with a correlated or anti-join delete. -#}

{#- Post-hook: delete the older rows of the projects `new_rows` (a relation of this run's rows, with
    project_id and loaded_at) holds again. Costs a pass over the key columns probing a hash of the change. -#}
{% macro delete_replaced_project_rows(relation, new_rows) -%}
    {%- if execute and is_incremental() %}
        delete from {{ relation }}
        using (select distinct project_id, loaded_at from {{ new_rows }}) as replacing
        where
            {{ relation.identifier }}.project_id = replacing.project_id
            and {{ relation.identifier }}.loaded_at < replacing.loaded_at
    {%- endif %}
{%- endmacro %}

{#- Post-hook: delete the rows of projects no longer loaded (the loader removes those a complete file no
    longer holds). With one row per (project, kept tag), the row counts say whether there are any: the
    anti-join over every row runs only then. -#}
{% macro delete_project_rows_no_longer_loaded(relation) -%}
    {%- if execute and is_incremental() -%}
        {%- set counts_query -%}
            select
                (select count(*) from {{ relation }}) as n_rows,
                (select count(*) from {{ ref('stg_madewithml__projects') }})
                * (select count(*) from {{ ref('tag_frequencies') }} where is_kept) as n_rows_loaded
        {%- endset -%}
        {%- set counts = run_query(counts_query) -%}
        {%- if counts.columns[0].values()[0] > counts.columns[1].values()[0] %}
            delete from {{ relation }}
            where project_id not in (select project_id from {{ ref('stg_madewithml__projects') }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
