{% macro release_dir() -%}
    {#- The folder tagifai-release writes (tagifai/release/store.py release_dir): $TAGIFAI_RELEASE_DIR, else
        releases/ in the project. Absolute, because a view keeps the path and is read from any directory. -#}
    {%- set value = env_var('TAGIFAI_RELEASE_DIR', '') | trim -%}
    {%- set project_dir = invocation_args_dict.get('project_dir') or '.' -%}
    {%- if value == '' -%}
        {%- set value = project_dir ~ '/releases' -%}
    {%- elif value.startswith('~') -%}
        {%- set value = env_var('HOME', '~') ~ value[1:] -%}
    {%- elif not value.startswith('/') -%}
        {%- set value = project_dir ~ '/' ~ value -%}
    {%- endif -%}
    {{ return(value.rstrip('/')) }}
{%- endmacro %}
