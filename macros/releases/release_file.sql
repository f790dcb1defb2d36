{% macro release_file(version, file_name) -%}
    {#- SQL string literal: the path of one file of release `version`. The version is checked as
        tagifai-release checks it, so a var cannot lead outside the release folder. -#}
    {%- if modules.re.fullmatch('[A-Za-z0-9][A-Za-z0-9._-]{0,63}', version) is none or '..' in version -%}
        {{ exceptions.raise_compiler_error(
            "release version " ~ (version | tojson) ~ " is not allowed: use 1-64 letters, digits, '.', '_' or '-', "
            ~ "starting with a letter or digit, without '..'; `tagifai-release list` shows the releases"
        ) }}
    {%- endif -%}
    {{ return(tagifai.sql_string_literal(tagifai.release_dir() ~ '/' ~ version ~ '/' ~ file_name)) }}
{%- endmacro %}
