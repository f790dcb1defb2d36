-- One row: the fingerprints of what the tag classifier learns from. model_version changes when a labeled
-- project's id, text or kept tags change, when the kept tags change, or when the classifier's parameters
-- change; structure_version only with the kept tags or the parameters (the columns the models predict).
-- int_tag_model_fits reads both to decide when to refit (as functions_version makes the functions re-run).
-- A fingerprint of sums of row hashes is order-free and needs no sort of the whole dataset.
{{ config(materialized='table', tags=['duckdb_only']) }}
{%- set parameters = 'classifier v1; folds 5; seed 42; C 10; max_train_rows '
    ~ integer_var('tag_model_max_train_rows', min_value=0) %}
with labeled as (
    select
        count(*) as n_projects,
        coalesce(sum(hash(id, text, array_to_string(tags, ',')) % 1000000007), 0) as row_hash_sum,
        coalesce(sum(hash(id, 'x', text) % 1000000009), 0) as text_hash_sum
    from {{ ref('labeled_projects') }}
),

kept_tags as (
    select coalesce(string_agg(tag, ',' order by tag), '') as tag_list
    from {{ ref('tag_frequencies') }}
    where is_kept
),

final as (
    select
        md5(
            {{ sql_string_literal(parameters) }}
            || '|' || kept_tags.tag_list
            || '|' || cast(labeled.n_projects as varchar)
            || '|' || cast(labeled.row_hash_sum as varchar)
            || '|' || cast(labeled.text_hash_sum as varchar)
        ) as model_version,
        md5({{ sql_string_literal(parameters) }} || '|' || kept_tags.tag_list) as structure_version,
        labeled.n_projects as n_labeled_projects
    from labeled
    cross join kept_tags
)

select * from final
