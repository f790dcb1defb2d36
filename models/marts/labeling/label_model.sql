-- The label model in SQL (formula: _labeling__learned.yml): a streaming pass over tag_model_predictions,
-- so memory stays bounded at any number of projects, with the function weights of int_label_model_weights.
-- Incremental by project (macros/incremental/project_batch.sql): a row depends on its project's prediction
-- and fired functions, and on what every project shares (label_model_shared_inputs: the fit, the weights,
-- the functions). A run where those stay computes only the projects whose predictions are newer than the
-- newest it holds (its rows carry their prediction's loaded_at): a build that selects label_model but not
-- tag_model_predictions after a load keeps its rows until the predictions catch up, and picks them up then.
-- Gone projects' rows are deleted by a post-hook that counts rows before it scans them.
-- A table an older release built gains loaded_at (append_new_columns) and, recording no fingerprint, is
-- rebuilt in full.
-- depends_on: {{ ref('stg_madewithml__projects') }}
-- depends_on: {{ ref('stg_madewithml__tags') }}
-- depends_on: {{ ref('int_tag_model_fits') }}
{%- set plan_call = 'project_batch(label_model_shared_inputs())' %}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    tags=['duckdb_only'],
    pre_hook='{{ project_batch_delete(' ~ plan_call ~ ', "project_id", with_gone=false,'
        ~ ' changed_in=ref("tag_model_predictions")) }}',
    post_hook=[
        '{{ project_batch_record(' ~ plan_call ~ ', newest_of=this) }}',
        '{{ delete_project_rows_no_longer_loaded(this) }}',
    ],
) }}
{%- set batch = project_batch(label_model_shared_inputs()) %}

with predictions as (
    select
        project_id,
        tag,
        probability,
        is_out_of_fold,
        model_version,
        loaded_at
    from {{ ref('tag_model_predictions') }}
    where {{ project_batch_filter(batch, 'loaded_at') }}
),

labeled_folds as (
    select
        project_id,
        fold
    from {{ ref('int_labeled_project_folds') }}
),

weights as (
    select
        weight_fold,
        lf_name,
        tag,
        signed_weight
    from {{ ref('int_label_model_weights') }}
),

fired_evidence as (
    select
        fired.project_id,
        weights.tag,
        sum(weights.signed_weight) as log_odds_shift,
        count(*) as n_functions_fired
    from {{ ref('int_labeling_functions_fired') }} as fired
    left join labeled_folds on fired.project_id = labeled_folds.project_id
    inner join weights
        on
            fired.lf_name = weights.lf_name
            and coalesce(labeled_folds.fold, -1) = weights.weight_fold
    {%- if not batch.is_full %}
        where fired.project_id in (select predictions.project_id from predictions)
    {%- endif %}
    group by fired.project_id, weights.tag
),

-- logit(p), with p clipped to [1e-6, 1 - 1e-6] so 0 and 1 stay finite.
clipped as (
    select
        predictions.*,
        ln(
            greatest(least(predictions.probability, 1 - 1e-6), 1e-6)
            / (1 - greatest(least(predictions.probability, 1 - 1e-6), 1e-6))
        ) as log_odds
    from predictions
),

final as (
    select
        clipped.project_id,
        clipped.tag,
        clipped.probability as classifier_probability,
        clipped.is_out_of_fold,
        clipped.model_version,
        clipped.loaded_at,
        cast(coalesce(fired_evidence.n_functions_fired, 0) as bigint) as n_functions_fired,
        case
            when fired_evidence.n_functions_fired > 0
                then 1.0 / (1.0 + exp(-(clipped.log_odds + fired_evidence.log_odds_shift)))
            else clipped.probability
        end as probability
    from clipped
    left join fired_evidence
        on clipped.project_id = fired_evidence.project_id and clipped.tag = fired_evidence.tag
)

select * from final
