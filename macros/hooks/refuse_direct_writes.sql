{#- On DuckDB a plain dbt command opens the warehouse read-only (profiles.yml), so a command that writes
    (build, run, seed, snapshot, test with stored failures) would fail part-way on its first write. This
    stops it before anything runs, in one line naming the safe way: the staged publish of tagifai-build. -#}
{% macro refuse_direct_writes() %}
    {%- set command = flags.WHICH -%}
    {%- if execute and target.type == 'duckdb' and command in ['build', 'run', 'seed', 'snapshot', 'test']
        and env_var('TAGIFAI_DUCKDB_ACCESS_MODE', 'read_only') | lower == 'read_only' -%}
        {{ exceptions.raise_compiler_error(
            'dbt ' ~ command ~ ' would write the published warehouse ' ~ target.path ~ ', which plain dbt '
            ~ 'commands open read-only; run it through the staged publish instead: make build VARS=\'{...}\' '
            ~ 'or .venv/bin/tagifai-build -- <dbt build arguments> (readers keep working, a failure changes nothing)'
        ) }}
    {%- endif -%}
{% endmacro %}
