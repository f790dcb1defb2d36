{#- Why: dbt-spark skips these constraints silently on Parquet (Spark enforces them on Delta only). -#}
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
