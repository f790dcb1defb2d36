"""tagifai: load the Made With ML projects and taxonomy into DuckDB for the dbt project."""
