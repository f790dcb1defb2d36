{% macro delete_stale_project_rows(relation, also_stale=none) -%}
    {#- is_incremental() is rendered when the hook runs, before dbt caches a newly created table: false on
        the run that creates it, when nothing is stale yet. -#}
    {%- if is_incremental() %}
        delete from {{ relation }}
        where
            {% if also_stale %}({{ also_stale }}) or {% endif %}not exists (
                select 1
                from {{ ref('stg_madewithml__projects') }} as projects
                where
                    projects.project_id = {{ relation.identifier }}.project_id
                    and projects.loaded_at = {{ relation.identifier }}.loaded_at
            )
    {%- endif %}
{%- endmacro %}
