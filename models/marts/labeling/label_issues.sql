-- The reviewer's list: the first label_issues_max_rows of label_issue_candidates (0 keeps them all).
{{ config(tags=['duckdb_only']) }}
{%- set max_rows = integer_var('label_issues_max_rows', min_value=0) %}
with flagged as (
    select * from {{ ref('label_issue_candidates') }}
),

projects as (
    select
        project_id,
        title_trimmed as title
    from {{ ref('stg_madewithml__projects') }}
),

final as (
    select
        flagged.project_id,
        flagged.tag,
        flagged.issue_kind,
        flagged.label_quality_score,
        flagged.model_probability,
        cast(flagged.issue_rank as integer) as issue_rank,
        projects.title,
        flagged.model_version
    from flagged
    left join projects on flagged.project_id = projects.project_id
    {% if max_rows > 0 %}
        where flagged.issue_rank <= {{ max_rows }}
    {% endif %}
)

select * from final
