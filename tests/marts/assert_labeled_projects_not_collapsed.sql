-- The dataset is not empty and not collapsed: labeled_projects keeps at least var min_labeled_share of the
-- loaded projects (and at least one). A threshold or an exclude list that leaves too few projects fails the
-- build (so `make build` publishes nothing) with one line naming the var and the threshold sweep row to
-- read, instead of replacing the dataset with an empty table.
{{ config(severity='error') }}
{%- set min_labeled_share = number_var('min_labeled_share', min_value=0, max_value=1) -%}
{%- set min_tag_freq = integer_var('min_tag_freq') %}
with labeled_projects as (
    select * from {{ ref('labeled_projects') }}
),

projects as (
    select * from {{ ref('stg_madewithml__projects') }}
),

counts as (
    select
        (select count(*) from labeled_projects) as n_labeled,
        (select count(*) from projects) as n_projects
),

collapsed as (
    select
        n_labeled,
        n_projects,
        case
            when n_projects = 0 then 'no project is loaded: load projects.json first (docs/loading.md)'
            else
                'marts.labeled_projects keeps ' || cast(n_labeled as {{ dbt.type_string() }}) || ' of '
                || cast(n_projects as {{ dbt.type_string() }}) || ' loaded projects ('
                || cast(round(100.0 * n_labeled / n_projects, 1) as {{ dbt.type_string() }})
                || '%), below var min_labeled_share = {{ min_labeled_share }} at min_tag_freq = {{ min_tag_freq }}'
                || '; choose a lower min_tag_freq with: select * from marts.tag_threshold_sweep'
                || ' where min_tag_freq <= {{ min_tag_freq }} and share_of_projects >= {{ min_labeled_share }}'
                || ' order by min_tag_freq desc limit 1 (or lower min_labeled_share)'
        end as message
    from counts
    where n_labeled = 0 or n_labeled < {{ min_labeled_share }} * n_projects
),

-- Raised in the filter: dbt only counts the rows, so a raise in the select list would never run.
final as (
    select
        n_labeled,
        n_projects,
        message
    from collapsed
    where {{ raise_error('message') }} is null
)

select * from final
