-- One row appended by every build that runs this model: the parameters in force when the tables beside it
-- were built, so an analyst (and tagifai-release's manifest) can tell which build made them.
-- The labeling functions are read in Jinja for their version hash, so dbt needs the edge spelled out:
-- depends_on: {{ ref('labeling_functions') }}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
    )
}}
{%- set vars_in_force = dataset_parameters() %}
{%- do vars_in_force.update({
    'cut_report_size': integer_var('cut_report_size', min_value=0),
    'unknown_tag_alert_min_uses': integer_var('unknown_tag_alert_min_uses', min_value=1),
    'max_discrepancy_rate': number_var('max_discrepancy_rate', min_value=0, max_value=1),
    'min_labeled_share': number_var('min_labeled_share', min_value=0, max_value=1),
}) %}
with excluded_tags as (
    select tag from {{ ref('excluded_tags') }}
),

project_loads as (
    select distinct load_id from {{ ref('stg_madewithml__projects') }}
),

tag_loads as (
    select distinct load_id from {{ ref('stg_madewithml__tags') }}
),

all_loads as (
    select load_id from project_loads
    union
    select load_id from tag_loads
),

excluded_list as (
    select {{ ordered_list_agg('tag', 'tag') }} as excluded_tags
    from excluded_tags
),

load_list as (
    select {{ ordered_list_agg('load_id', 'load_id') }} as load_ids
    from all_loads
),

final as (
    select
        {{ sql_string_literal(invocation_id) }} as invocation_id,
        cast({{ sql_string_literal(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) }} as timestamp) as built_at,
        {{ sql_string_literal(dbt_version) }} as dbt_version,
        {{ sql_string_literal(target.type) }} as target_type,
        {{ vars_in_force.min_tag_freq }} as min_tag_freq,
        {{ vars_in_force.resolve_aliases }} as resolve_aliases,
        {{ vars_in_force.expand_parents }} as expand_parents,
        {{ vars_in_force.max_parent_depth }} as max_parent_depth,
        cast({{ vars_in_force.max_discrepancy_rate }} as double) as max_discrepancy_rate,
        {{ sql_string_literal(tojson(vars_in_force, sort_keys=true)) }} as vars_json,
        excluded_list.excluded_tags,
        md5({{ list_join('excluded_list.excluded_tags', 'chr(10)') }}) as excluded_tags_hash,
        {{ sql_string_literal(labeling_functions_version(labeling_function_definitions())) }}
            as labeling_functions_version,
        load_list.load_ids
    from excluded_list
    cross join load_list
)

select * from final
