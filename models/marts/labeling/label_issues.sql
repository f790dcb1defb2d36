-- The reviewer's list: the open label_issue_candidates, the first label_issues_max_rows of them (0 keeps
-- them all). An issue is closed by a review in its own queue: a decision (labeled or no_tag) on the project
-- in Label Studio's label_issues queue, whose task named the suspected tags. The ranks close up, so the cap
-- stays a day of open work.
{{ config(tags=['duckdb_only']) }}
{%- set max_rows = integer_var('label_issues_max_rows', min_value=0) %}
with flagged as (
    select * from {{ ref('label_issue_candidates') }}
),

reviewed_projects as (
    select distinct project_id
    from {{ ref('stg_annotations__events') }}
    where queue = 'label_issues' and status in ('labeled', 'no_tag')
),

projects as (
    select
        project_id,
        title_trimmed as title
    from {{ ref('stg_madewithml__projects') }}
),

open_issues as (
    select
        flagged.*,
        row_number() over (order by flagged.issue_rank) as open_rank
    from flagged
    where flagged.project_id not in (select reviewed_projects.project_id from reviewed_projects)
),

final as (
    select
        open_issues.project_id,
        open_issues.tag,
        open_issues.issue_kind,
        open_issues.label_quality_score,
        open_issues.model_probability,
        cast(open_issues.open_rank as integer) as issue_rank,
        projects.title,
        open_issues.model_version
    from open_issues
    left join projects on open_issues.project_id = projects.project_id
    {% if max_rows > 0 %}
        where open_issues.open_rank <= {{ max_rows }}
    {% endif %}
)

select * from final
