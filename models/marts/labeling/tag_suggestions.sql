-- Projects a labeling function says should carry a kept tag they lack: a person reviews these before a
-- tag is added. Projects outside the dataset (left with no kept tag by the lesson's rules) are listed
-- too: a suggestion can bring them back.
with votes as (
    select * from {{ ref('lf_votes') }}
    where not project_has_tag
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

votes_for as (
    select
        votes.project_id,
        votes.tag,
        max(case when votes.is_in_dataset then 1 else 0 end) = 1 as is_in_dataset,
        count(*) as n_votes_for,
        {{ ordered_list_agg('votes.lf_name', 'votes.lf_name') }} as labeling_functions_for
    from votes
    inner join kept_tags on votes.tag = kept_tags.tag
    where votes.label = 1
    group by votes.project_id, votes.tag
),

votes_against as (
    select
        project_id,
        tag,
        count(*) as n_votes_against
    from votes
    where label = 0
    group by project_id, tag
),

final as (
    select
        votes_for.project_id,
        votes_for.tag,
        projects.title_trimmed as title,
        votes_for.is_in_dataset,
        cast(votes_for.n_votes_for as bigint) as n_votes_for,
        cast(coalesce(votes_against.n_votes_against, 0) as bigint) as n_votes_against,
        votes_for.labeling_functions_for
    from votes_for
    inner join projects on votes_for.project_id = projects.project_id
    left join votes_against
        on
            votes_for.project_id = votes_against.project_id
            and votes_for.tag = votes_against.tag
)

select * from final
