{#- dbt's snapshot staging query (which rows to insert, which to close) with its two big CTEs inlined.
    dbt reads `snapshot_query` (every current project) three times and `snapshotted_data` (every current
    version) three times; DuckDB materializes a CTE read more than once, so each build copied the
    title, description and tags of every project twice more in memory. `not materialized` makes each
    read a plain scan of the table: at 2M projects the staging query took 3.4 to 3.6 s instead of 4.8 to
    5.9 s, alone on the machine, with the same rows. The query is dbt's own (dbt.default__...), so its
    semantics follow dbt; if a dbt release renames the CTEs the replace finds nothing and the query runs
    as dbt wrote it (slower, same result). -#}
{% macro duckdb__snapshot_staging_table(strategy, source_sql, target_relation) -%}
    {%- set staging_sql = dbt.default__snapshot_staging_table(strategy, source_sql, target_relation) -%}
    {{ staging_sql
        | replace('snapshot_query as (', 'snapshot_query as not materialized (', 1)
        | replace('snapshotted_data as (', 'snapshotted_data as not materialized (', 1) }}
{%- endmacro %}
