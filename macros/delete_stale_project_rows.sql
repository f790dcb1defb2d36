{#- SQL for the post-hook of a model built incrementally per project (int_project_tags_unnested,
    int_labeling_functions_fired): on an incremental run, delete from `relation` every row whose
    (project_id, loaded_at) is no longer a current project version, i.e. the rows of the old version of a
    changed project and those of a removed project, and also every row for which the SQL condition
    `also_stale` holds. Nothing when the run creates the table (first build, --full-refresh): there is
    nothing stale yet, and is_incremental() is rendered when the hook runs, before dbt caches the new
    table, so the delete is left out then (0.4 s at 2M projects for the unnest). -#}
{% macro delete_stale_project_rows(relation, also_stale=none) -%}
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
