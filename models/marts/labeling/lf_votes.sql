-- Every labeling function (seed labeling_functions) run over every project's text. A `keyword`
-- function matches its pattern literally as a whole word: not preceded or followed by an ASCII letter or
-- digit. A `regex` function matches its pattern anywhere in the text. Both ignore case unless
-- is_case_sensitive. The gold label of a vote is whether the project carries the tag in labeled_projects.
--
-- The functions are read from the seed when the model runs and written into the SQL as constants
-- (macro labeling_function_definitions): every function is evaluated in one pass over the projects,
-- each regular expression compiled once.
{%- set functions = labeling_function_definitions() %}
{%- set fired_names = [] %}
{%- for function in functions %}
    {%- do fired_names.append(
        'case when ' ~ labeling_function_condition(function, 'text', 'lower_text')
        ~ ' then ' ~ sql_string_literal(function.lf_name) ~ ' end'
    ) %}
{%- endfor %}
with projects as (
    select
        project_id,
        text,
        {{ labeling_function_lower_text('text') }} as lower_text
    from {{ ref('stg_madewithml__projects') }}
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

fired as (
    select
        project_id,
        {{ unnest_non_null(fired_names, dbt.type_string()) }} as lf_name
    from projects
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
