{#- Why: DuckDB's default string compression (dictionary + FSST) is slow to write for long, all-distinct
    values such as labeled_projects.text; ZSTD writes them faster and smaller. -#}
{% macro duckdb__get_table_columns_and_constraints() -%}
    {%- set columns = model['columns'] -%}
    {%- set raw_column_constraints = adapter.render_raw_columns_constraints(raw_columns=columns) -%}
    {%- set raw_model_constraints = adapter.render_raw_model_constraints(raw_constraints=model['constraints']) -%}
    {%- set compressions = [] -%}
    {%- for column in columns.values() -%}
        {%- set meta = (column.get('config') or {}).get('meta') or column.get('meta') or {} -%}
        {%- set compression = meta.get('duckdb_compression') -%}
        {%- if compression and not modules.re.fullmatch('[a-z_]+', compression | string) -%}
            {{ exceptions.raise_compiler_error(
                "column " ~ column['name'] ~ " of " ~ model['name'] ~ ": meta duckdb_compression must be a DuckDB "
                ~ "compression name such as zstd, got '" ~ compression ~ "'") }}
        {%- endif -%}
        {%- do compressions.append(compression) -%}
    {%- endfor -%}
    (
    {% for c in raw_column_constraints -%}
      {{ c }}{{ ' using compression ' ~ compressions[loop.index0] if compressions[loop.index0] }}{{ "," if not loop.last or raw_model_constraints }}
    {% endfor %}
    {% for c in raw_model_constraints -%}
        {{ c }}{{ "," if not loop.last }}
    {% endfor -%}
    )
{%- endmacro %}
