{#- A SQL expression that stops the query with `message_sql` (a SQL text expression) as its error, when a
    row reaches it: a data test that finds a broken dataset says what to do in one line, instead of dbt's
    "Got 1 result". Build the message from columns, so no engine evaluates it before a row exists. -#}
{% macro raise_error(message_sql) -%}
    {{ return(adapter.dispatch('raise_error', 'tagifai')(message_sql)) }}
{%- endmacro %}

{% macro default__raise_error(message_sql) -%}
    error({{ message_sql }})
{%- endmacro %}

{% macro spark__raise_error(message_sql) -%}
    raise_error({{ message_sql }})
{%- endmacro %}
