{#- True (a Jinja boolean) when alias resolution or parent expansion is on, i.e. a project's labels are not
    simply its own tag list filtered. tag_frequencies and labeled_projects pick their input with it: off (the
    lesson's rules, the default), they read the per-tag counts and the projects' own lists and never wait for
    the unnested project tags (14M rows at 2M projects); on, they read int_project_tags_filtered. Their refs
    follow the vars, and dbt parses again whenever the vars change, so the DAG always matches the run. -#}
{% macro tag_lists_change() -%}
    {{ return(tagifai.to_boolean(var('resolve_aliases'), 'var resolve_aliases')
        or tagifai.to_boolean(var('expand_parents'), 'var expand_parents')) }}
{%- endmacro %}
