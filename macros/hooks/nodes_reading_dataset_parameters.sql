{#- The unique ids of the models, seeds and snapshots whose rows depend on a dataset parameter
    (macro dataset_parameters): those that read one of its vars (in their code, or through the macros
    tag_lists_change and dataset_parameters), and every node downstream of one. A dict used as a set. -#}
{% macro nodes_reading_dataset_parameters() -%}
    {%- set names = tagifai.dataset_parameters().keys() | list -%}
    {%- set reading_macros = ['macro.tagifai.tag_lists_change', 'macro.tagifai.dataset_parameters'] -%}
    {%- set readers = {} -%}
    {%- set nodes = graph.nodes.values() | selectattr('resource_type', 'in', ['model', 'seed', 'snapshot']) | list -%}
    {%- for node in nodes -%}
        {%- set code = node.raw_code or '' -%}
        {%- set reads_macro = node.depends_on.macros | select('in', reading_macros) | list | length > 0 -%}
        {#- A var is read through the checked helpers: integer_var('min_tag_freq'), bool_var('resolve_aliases'). -#}
        {%- set calls = [] -%}
        {%- for name in names if ("_var('" ~ name ~ "'") in code -%}{%- do calls.append(name) -%}{%- endfor -%}
        {%- set reads_var = calls | length > 0 -%}
        {%- if reads_macro or reads_var -%}
            {%- do readers.update({node.unique_id: true}) -%}
        {%- endif -%}
    {%- endfor -%}
    {#- Downstream of a reader: a fixed point, at most as many passes as the graph is deep. -#}
    {%- set state = namespace(growing=true) -%}
    {%- for _ in range(nodes | length) if state.growing -%}
        {%- set state.growing = false -%}
        {%- for node in nodes if node.unique_id not in readers -%}
            {%- if node.depends_on.nodes | select('in', readers) | list | length > 0 -%}
                {%- do readers.update({node.unique_id: true}) -%}
                {%- set state.growing = true -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(readers) }}
{%- endmacro %}
