{#- dbt creates missing schemas before the on-run-start hooks run: on a warehouse opened read-only that
    would fail with DuckDB's own error, so the one-line refusal of refuse_direct_writes comes first. The
    statement is dbt-duckdb's for a DuckDB file (this project attaches no sqlite or mysql database). -#}
{% macro duckdb__create_schema(relation) -%}
    {%- do refuse_direct_writes() -%}
    {%- call statement('create_schema') -%}
        create schema if not exists {{ relation.without_identifier() }}
    {%- endcall -%}
{%- endmacro %}
