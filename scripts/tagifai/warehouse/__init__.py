"""The warehouse file: the only code that copies, locks and publishes it (staging.py), and the dbt-duckdb
plugin that puts every writing dbt command on that path (dbt_plugin.py)."""
