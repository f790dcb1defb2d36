{% macro register_raw_tables() -%}
    {{ return(adapter.dispatch('register_raw_tables', 'tagifai')()) }}
{%- endmacro %}

{#- DuckDB: the loader writes raw.* into the warehouse itself. -#}
{% macro default__register_raw_tables() -%}
{%- endmacro %}

{% macro spark__register_raw_tables() -%}
    {%- if execute and tagifai.bool_var('register_raw_tables', true) -%}
        {%- set spark_dir = env_var('TAGIFAI_SPARK_DIR', 'warehouse/spark') -%}
        {%- set raw_dir = env_var('TAGIFAI_SPARK_RAW_DIR', spark_dir ~ '/raw') -%}
        {%- set source_schema = 'raw' -%}
        {% do run_query('create database if not exists ' ~ source_schema) %}
        {%- for table in ['projects', 'tags', 'rejected_records', 'load_log', 'annotations', 'example_annotations', 'annotation_events'] -%}
            {% do run_query('drop table if exists ' ~ source_schema ~ '.' ~ table) %}
            {% do run_query(
                'create table ' ~ source_schema ~ '.' ~ table ~ ' using parquet location '
                ~ tagifai.sql_string_literal(raw_dir ~ '/' ~ table)
            ) %}
        {%- endfor -%}
        {{ log('register_raw_tables: raw.projects, raw.tags, raw.rejected_records, raw.load_log, raw.annotations, raw.example_annotations, raw.annotation_events read '
               ~ raw_dir ~ '/<table> (Parquet from tagifai-export-spark)', info=true) }}
    {%- endif -%}
    {%- if execute -%}
        {#- Name every node the spark_ready selector (selectors.yml) leaves out, so nothing is skipped silently. -#}
        {%- for node in graph.nodes.values() if 'duckdb_only' in node.tags -%}
            {{ log('SKIPPED on Spark: ' ~ node.unique_id ~ ' is tagged duckdb_only (see docs/spark.md)',
                   info=true) }}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
