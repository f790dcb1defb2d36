-- A view: it must show the parameters of the run that just ended, which the on-run-end hook records after
-- every model (this one included) was built.
{{ config(materialized='view', tags=['duckdb_only']) }}

with model_parameters as (
    select * from {{ ref('stg_build_log__model_parameters') }}
),

dataset as (
    select parameters_json
    from model_parameters
    where node_name = 'labeled_projects'
),

final as (
    select
        model_parameters.node_name,
        model_parameters.resource_type,
        model_parameters.relation_name,
        model_parameters.min_tag_freq,
        model_parameters.resolve_aliases,
        model_parameters.expand_parents,
        model_parameters.max_parent_depth,
        model_parameters.parameters_json,
        model_parameters.reads_dataset_parameters,
        model_parameters.invocation_id,
        model_parameters.built_at,
        coalesce(
            model_parameters.reads_dataset_parameters
            and model_parameters.parameters_json != dataset.parameters_json,
            false
        ) as is_stale
    from model_parameters
    left join dataset on true
)

select * from final
