{#- dbt creates missing schemas before the on-run-start hooks run: on a warehouse opened read-only that
    would fail with DuckDB's own error, so the one-line refusal of refuse_direct_writes comes first. -#}
{% macro duckdb__create_schema(relation) -%}
    {%- do refuse_direct_writes() -%}
    {{ return(dbt_duckdb.duckdb__create_schema(relation)) }}
{%- endmacro %}
