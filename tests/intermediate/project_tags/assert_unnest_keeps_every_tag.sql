-- Unnesting neither loses nor invents tags: one row per list element of every project.
with projects as (
    select * from {{ ref('stg_madewithml__projects') }}
),

project_tags as (
    select * from {{ ref('int_project_tags_unnested') }}
),

expected as (
    select coalesce(sum({{ list_length('projects.tags') }}), 0) as n_tags
    from projects
),

actual as (
    select count(*) as n_tags
    from project_tags
),

final as (
    select
        expected.n_tags as expected_tags,
        actual.n_tags as actual_tags
    from expected
    cross join actual
    where expected.n_tags <> actual.n_tags
)

select * from final
