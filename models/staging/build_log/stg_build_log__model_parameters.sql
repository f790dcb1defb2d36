{{ config(tags=['duckdb_only']) }}

with source as (
    select * from {{ source('build_log', 'model_parameters') }}
),

renamed as (
    select
        unique_id as node_id,
        node_name,
        resource_type,
        relation_name,
        parameters_json,
        cast(json_extract(parameters_json, '$.min_tag_freq') as integer) as min_tag_freq,
        cast(json_extract(parameters_json, '$.resolve_aliases') as boolean) as resolve_aliases,
        cast(json_extract(parameters_json, '$.expand_parents') as boolean) as expand_parents,
        cast(json_extract(parameters_json, '$.max_parent_depth') as integer) as max_parent_depth,
        reads_dataset_parameters,
        invocation_id,
        built_at
    from source
)

select * from renamed
