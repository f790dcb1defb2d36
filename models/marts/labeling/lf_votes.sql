-- Every labeling function (seed labeling_functions) run over every project's text. A `keyword`
-- function matches its pattern literally as a whole word: not preceded or followed by an ASCII letter or
-- digit. A `regex` function matches its pattern anywhere in the text. Both ignore case unless
-- is_case_sensitive. The gold label of a vote is whether the project carries the tag in labeled_projects.
with projects as (
    select
        project_id,
        text
    from {{ ref('stg_madewithml__projects') }}
),

labeling_functions as (
    select
        lf_name,
        tag,
        label,
        is_case_sensitive,
        case
            when kind = 'keyword'
                then '(^|[^0-9A-Za-z])' || {{ regex_escape('pattern') }} || '([^0-9A-Za-z]|$)'
            else pattern
        end as regex_pattern
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
        projects.project_id,
        labeling_functions.lf_name,
        labeling_functions.tag,
        labeling_functions.label
    from projects
    cross join labeling_functions
    where
        {{ regex_search('projects.text', 'labeling_functions.regex_pattern', 'labeling_functions.is_case_sensitive') }}
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
