{#- Overrides dbt-spark's spark__persist_constraints to say out loud what it would skip silently: Spark
    applies `not_null` and `check` constraints only to Delta tables (ALTER ... SET NOT NULL fails on
    Parquet). On Parquet the contract's column names and types are still enforced, and the model's
    not_null / unique data tests check the same rules on the data. -#}
{% macro spark__persist_constraints(relation, model) %}
    {%- set contract_config = config.get('contract') -%}
    {%- if contract_config.enforced -%}
        {%- set file_format = config.get('file_format', 'delta') -%}
        {%- if file_format == 'delta' -%}
            {% do alter_table_add_constraints(relation, model.constraints) %}
            {% do alter_column_set_constraints(relation, model.columns) %}
        {%- else -%}
            {%- set declared = [] -%}
            {%- for constraint in model.constraints -%}
                {%- do declared.append(constraint.type ~ ' (' ~ constraint.columns | join(', ') ~ ')') -%}
            {%- endfor -%}
            {%- for column_name, column in model.columns.items() -%}
                {%- for constraint in column.constraints -%}
                    {%- do declared.append(constraint.type ~ ' (' ~ column_name ~ ')') -%}
                {%- endfor -%}
            {%- endfor -%}
            {%- if declared -%}
                {{ log('SKIPPED on Spark: ' ~ relation ~ ' constraints ' ~ declared | join(', ')
                       ~ ' are not enforced on file_format ' ~ file_format ~ ' (Spark enforces them on Delta only);'
                       ~ ' the contract types are enforced and the data tests check these rules.', info=true) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
