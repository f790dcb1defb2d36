{#- The vars that define the dataset (labeled_projects and every table that follows its rules), read and
    checked once: build_history records them, the on-run-end hook records them with every node built, and a
    later command compares its own with them (check_dataset_parameters). -#}
{% macro dataset_parameters() -%}
    {{ return({
        'min_tag_freq': tagifai.integer_var('min_tag_freq'),
        'resolve_aliases': tagifai.bool_var('resolve_aliases'),
        'expand_parents': tagifai.bool_var('expand_parents'),
        'max_parent_depth': tagifai.integer_var('max_parent_depth', min_value=1),
    }) }}
{%- endmacro %}
