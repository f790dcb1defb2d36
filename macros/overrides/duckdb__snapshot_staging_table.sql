{#- Why: dbt's query reads `snapshot_query` and `snapshotted_data` three times each, and DuckDB materializes
    a CTE read more than once (a copy of every project's text); `not materialized` makes each read a scan.
    If a dbt release renames the CTEs, the replace finds nothing and dbt's query runs unchanged. -#}
{% macro duckdb__snapshot_staging_table(strategy, source_sql, target_relation) -%}
    {%- set staging_sql = dbt.default__snapshot_staging_table(strategy, source_sql, target_relation) -%}
    {{ staging_sql
        | replace('snapshot_query as (', 'snapshot_query as not materialized (', 1)
        | replace('snapshotted_data as (', 'snapshotted_data as not materialized (', 1) }}
{%- endmacro %}
