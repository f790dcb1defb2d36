-- Each project has at most one current version (dbt_valid_to is null) in the snapshot.
select
    project_id,
    count(*) as n_current
from {{ ref('project_history') }}
where dbt_valid_to is null
group by project_id
having count(*) > 1
