-- Incremental by project, as labeled_projects (macros/incremental/project_batch.sql): a vote depends on its
-- project and on what every project shares (labeling_shared_inputs: kept tags, taxonomy, the functions).
{{ project_batch_config('labeling_shared_inputs', 'project_id') }}
-- depends_on: {{ ref('stg_madewithml__tags') }}
-- depends_on: {{ ref('stg_madewithml__projects') }}
{%- set batch = project_batch(labeling_shared_inputs()) %}
with fired as (
    select
        project_id,
        lf_name
    from {{ ref('int_labeling_functions_fired') }}
    {%- if not batch.is_full %}
        where project_id in ({{ project_batch_ids(batch) }})
    {%- endif %}
),

labeling_functions as (
    select
        lf_name,
        tag,
        label
    from {{ ref('labeling_functions') }}
),

dataset_projects as (
    select id as project_id from {{ ref('labeled_projects') }}
),

kept_tags as (
    select tag from {{ ref('tag_frequencies') }}
    where is_kept
),

dataset_labels as (
    select distinct
        filtered_project_tags.project_id,
        filtered_project_tags.tag
    from {{ ref('int_project_tags_filtered') }} as filtered_project_tags
    inner join kept_tags on filtered_project_tags.tag = kept_tags.tag
),

votes as (
    select
        fired.project_id,
        labeling_functions.lf_name,
        labeling_functions.tag,
        labeling_functions.label
    from fired
    inner join labeling_functions on fired.lf_name = labeling_functions.lf_name
),

final as (
    select
        votes.project_id,
        votes.lf_name,
        votes.tag,
        votes.label,
        dataset_projects.project_id is not null as is_in_dataset,
        dataset_labels.project_id is not null as project_has_tag,
        case
            when dataset_projects.project_id is not null
                then (votes.label = 1) = (dataset_labels.project_id is not null)
        end as is_correct
    from votes
    left join dataset_projects on votes.project_id = dataset_projects.project_id
    left join dataset_labels
        on
            votes.project_id = dataset_labels.project_id
            and votes.tag = dataset_labels.tag
)

select * from final
