with decisions as (
    select * from {{ ref('int_annotator_decisions_expanded') }}
),

projects as (
    select
        project_id,
        title_trimmed
    from {{ ref('stg_madewithml__projects') }}
),

items as (
    select
        project_id,
        tag,
        count(*) as n_annotators,
        sum(case when is_tagged then 1 else 0 end) as n_tagged
    from decisions
    group by project_id, tag
),

disagreements as (
    select * from items
    where n_tagged > 0 and n_tagged < n_annotators
),

tagged_by as (
    select
        decisions.project_id,
        decisions.tag,
        {{ ordered_list_agg('decisions.annotator', 'decisions.annotator') }} as annotators_tagged
    from decisions
    where decisions.is_tagged
    group by decisions.project_id, decisions.tag
),

not_tagged_by as (
    select
        decisions.project_id,
        decisions.tag,
        {{ ordered_list_agg('decisions.annotator', 'decisions.annotator') }} as annotators_not_tagged
    from decisions
    where not decisions.is_tagged
    group by decisions.project_id, decisions.tag
),

final as (
    select
        disagreements.project_id,
        disagreements.tag,
        projects.title_trimmed as title,
        cast(disagreements.n_annotators as bigint) as n_annotators,
        cast(disagreements.n_tagged as bigint) as n_tagged,
        tagged_by.annotators_tagged,
        not_tagged_by.annotators_not_tagged
    from disagreements
    inner join tagged_by
        on
            disagreements.project_id = tagged_by.project_id
            and disagreements.tag = tagged_by.tag
    inner join not_tagged_by
        on
            disagreements.project_id = not_tagged_by.project_id
            and disagreements.tag = not_tagged_by.tag
    left join projects on disagreements.project_id = projects.project_id
)

select * from final
