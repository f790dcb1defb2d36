"""The workflow in Dagster: load, dbt build, annotation sync and releases, on a schedule and on sensors."""
