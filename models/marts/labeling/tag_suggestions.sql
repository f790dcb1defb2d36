-- Incremental by project, as lf_votes (macros/incremental/project_batch.sql).
{{ project_batch_config('labeling_shared_inputs', 'project_id') }}
-- depends_on: {{ ref('stg_madewithml__tags') }}
-- depends_on: {{ ref('stg_madewithml__projects') }}
{%- set batch = project_batch(labeling_shared_inputs()) %}
-- One group by gives the votes for and against each (project, tag): no second aggregation joined back.
with votes as (
    select
        project_id,
        lf_name,
        tag,
        label,
        is_in_dataset
    from {{ ref('lf_votes') }}
    where
        not project_has_tag
        and {% if batch.is_full %}true{% else %}project_id in ({{ project_batch_ids(batch) }}){% endif %}
),

kept_tags as (
    select tag from {{ ref('tag_frequencies') }}
    where is_kept
),

projects as (
    select
        project_id,
        title_trimmed
    from {{ ref('stg_madewithml__projects') }}
),

project_tag_votes as (
    select
        votes.project_id,
        votes.tag,
        max(case when votes.is_in_dataset then 1 else 0 end) = 1 as is_in_dataset,
        count(case when votes.label = 1 then 1 end) as n_votes_for,
        count(case when votes.label = 0 then 1 end) as n_votes_against,
        {{ ordered_list_agg('votes.lf_name', 'votes.lf_name', 'votes.label = 1') }} as labeling_functions_for
    from votes
    inner join kept_tags on votes.tag = kept_tags.tag
    group by votes.project_id, votes.tag
),

final as (
    select
        project_tag_votes.project_id,
        project_tag_votes.tag,
        projects.title_trimmed as title,
        project_tag_votes.is_in_dataset,
        cast(project_tag_votes.n_votes_for as bigint) as n_votes_for,
        cast(project_tag_votes.n_votes_against as bigint) as n_votes_against,
        project_tag_votes.labeling_functions_for
    from project_tag_votes
    inner join projects on project_tag_votes.project_id = projects.project_id
    where project_tag_votes.n_votes_for > 0
)

select * from final
