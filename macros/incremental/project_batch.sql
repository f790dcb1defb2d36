{#- Incremental by project, full when the logic needs it. A model whose rows each depend on one project and
    on a few inputs shared by every project (the kept-tag set, the taxonomy, the vars) keeps, in its table's
    comment, a fingerprint of those shared inputs and the newest loaded_at it has seen. A run then:

    - rebuilds in full (every project) when the fingerprint differs, or the table is new;
    - else builds only the projects loaded since (new and changed ones), after deleting their old rows and
      the rows of projects that are gone.

    The loader moves a project's loaded_at only when the project changes, so "loaded since" is exactly
    "changed since". DuckDB only: Spark builds these models as tables. -#}

{#- The run's plan: {'is_full': bool, 'fingerprint': str, 'bookmark': str or none}. `fingerprint_sql` is a
    query returning one text, read when the model runs (after its parents are built). -#}
{% macro project_batch(fingerprint_sql) -%}
    {%- set plan = {'is_full': true, 'fingerprint': '', 'bookmark': none} -%}
    {#- A unit test renders the model over its given rows (CTEs, not tables), and `dbt compile` or `show`
        builds nothing: the full query, with nothing read. -#}
    {%- if not execute or target.type == 'spark' or model.resource_type == 'unit_test'
        or flags.WHICH not in ('build', 'run', 'retry') -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- set shared = run_query(fingerprint_sql).columns[0].values()[0] -%}
    {%- do plan.update({'fingerprint': local_md5((shared or '') ~ '\n' ~ model.raw_code)}) -%}
    {%- if not is_incremental() -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- set stored_query -%}
        select comment from duckdb_tables()
        where database_name = {{ tagifai.sql_string_literal(this.database) }}
            and schema_name = {{ tagifai.sql_string_literal(this.schema) }}
            and table_name = {{ tagifai.sql_string_literal(this.identifier) }}
    {%- endset -%}
    {%- set stored = (run_query(stored_query).columns[0].values() or [none])[0] or '' -%}
    {%- set parts = stored.split(';') -%}
    {%- if parts | length == 2 and parts[0] == plan.fingerprint and parts[1] -%}
        {%- do plan.update({'is_full': false, 'bookmark': parts[1]}) -%}
    {%- endif -%}
    {{ return(plan) }}
{%- endmacro %}

{#- SQL: the condition that picks the projects to build, over `loaded_at_expr`; true on a full run. -#}
{% macro project_batch_filter(plan, loaded_at_expr) -%}
    {%- if plan.is_full -%}
        true
    {%- else -%}
        {{ loaded_at_expr }} > cast({{ tagifai.sql_string_literal(plan.bookmark) }} as timestamp with time zone)
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook: on an incremental run, delete every row (full) or the rows of the projects about to be built
    again and, unless `with_gone` is false, of projects no longer loaded. A table of one row per (project,
    kept tag), tens of millions at scale, leaves the gone ones to delete_project_rows_no_longer_loaded: its
    row count says whether there are any, where this anti-join scans every row. `changed_in` is the relation
    whose loaded_at picks the projects built again (the staged projects unless said). -#}
{% macro project_batch_delete(plan, key_column, with_gone=true, changed_in=none) -%}
    {%- if execute and is_incremental() -%}
        {%- if plan.is_full -%}
            delete from {{ this }}
        {%- else -%}
            delete from {{ this }}
            where
                {{ key_column }} in (
                    select project_id from {{ changed_in or ref('stg_madewithml__projects') }}
                    where {{ tagifai.project_batch_filter(plan, 'loaded_at') }}
                )
                {%- if with_gone %}
                or {{ key_column }} not in (select project_id from {{ ref('stg_madewithml__projects') }})
                {%- endif %}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- Post-hook: record the fingerprint and the newest loaded_at now built: the staged projects' newest, or,
    for a model that picks its batch by another model's loaded_at (`newest_of`, the model itself, whose rows
    carry what they were built from), the newest it holds. A run that did not build every table the model
    reads (a selection such as `--select lf_votes` after a load) built the batch from parents that may not
    hold the new load yet: it keeps the bookmark it had (none after a full rebuild), so the next run that
    builds the parents builds those projects again instead of skipping them for good. -#}
{% macro project_batch_record(plan, newest_of=none) -%}
    {%- if execute -%}
        {%- set unbuilt = tagifai.project_batch_unbuilt_parents() -%}
        {%- if unbuilt -%}
            {%- set newest = plan.bookmark -%}
            {%- do log(this.identifier ~ ' keeps its bookmark (' ~ (newest or 'none') ~ '): this run did not build '
                ~ (unbuilt | join(', ')) ~ ', which it reads; a build that does brings it up to date', info=true) -%}
        {%- else -%}
            {%- set newest = run_query(
                'select cast(max(loaded_at) as varchar) from ' ~ (newest_of or ref('stg_madewithml__projects'))
            ).columns[0].values()[0] -%}
        {%- endif -%}
        comment on table {{ this }} is {{ tagifai.sql_string_literal(plan.fingerprint ~ ';' ~ (newest or '')) }}
    {%- endif -%}
{%- endmacro %}

{#- The tables and incremental models this model reads, directly or through others, that the running
    command did not select (dbt's selected_resources), by name. Views are read live, so they never lag. -#}
{% macro project_batch_unbuilt_parents() -%}
    {%- set pending = model.depends_on.nodes | list -%}
    {%- set seen = [] -%}
    {%- set unbuilt = [] -%}
    {#- A breadth-first walk: the loop also visits the ids appended while it runs. -#}
    {%- for unique_id in pending -%}
        {%- if unique_id not in seen and unique_id in graph.nodes -%}
            {%- do seen.append(unique_id) -%}
            {%- set node = graph.nodes[unique_id] -%}
            {%- if node.resource_type == 'model' and node.config.materialized in ('table', 'incremental')
                and unique_id not in selected_resources -%}
                {%- do unbuilt.append(node.name) -%}
            {%- endif -%}
            {%- do pending.extend(node.depends_on.nodes) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(unbuilt | sort) }}
{%- endmacro %}

{#- What every row of labeled_projects shares: the vars that change tag lists, the kept tags, the taxonomy's
    aliases and parents (read by the alias and parent paths). A query returning one text. -#}
{% macro labeled_projects_shared_inputs() -%}
    select
        {{ tagifai.sql_string_literal(
            'resolve_aliases=' ~ tagifai.bool_var('resolve_aliases') ~ ' expand_parents=' ~ tagifai.bool_var('expand_parents')
            ~ ' max_parent_depth=' ~ tagifai.integer_var('max_parent_depth', min_value=1)
        ) }}
        || '|' || coalesce((
            select string_agg(tag, ',' order by tag) from {{ ref('tag_frequencies') }} where is_kept
        ), '')
        || '|' || coalesce((
            select string_agg(tag || ':' || cast(aliases as varchar) || ':' || cast(parents as varchar), ',' order by tag)
            from {{ ref('stg_madewithml__tags') }}
        ), '')
{%- endmacro %}

{#- What every row of lf_votes and tag_suggestions shares: labeled_projects' shared inputs, the labeling
    functions (the seed's rows) and how they are evaluated (labeling_functions_version). -#}
{% macro labeling_shared_inputs() -%}
    {{ tagifai.labeled_projects_shared_inputs() }}
        || '|' || {{ tagifai.sql_string_literal(
            tagifai.labeling_functions_version(tagifai.labeling_function_definitions())
            if execute and model.resource_type != 'unit_test' and flags.WHICH in ('build', 'run', 'retry') else ''
        ) }}
        || '|' || coalesce((
            select string_agg(lf_name || ':' || tag || ':' || cast(label as varchar), ',' order by lf_name)
            from {{ ref('labeling_functions') }}
        ), '')
{%- endmacro %}

{#- SQL: the ids of the projects a run builds (all of them on a full run). -#}
{% macro project_batch_ids(plan) -%}
    select project_id from {{ ref('stg_madewithml__projects') }}
    where {{ tagifai.project_batch_filter(plan, 'loaded_at') }}
{%- endmacro %}

{#- The config every project-batch model shares: incremental on DuckDB (a table on Spark), its old rows
    deleted before a batch and the plan recorded after. `shared_inputs` names the macro whose query is the
    fingerprint (labeled_projects_shared_inputs or labeling_shared_inputs); `key` is the project column. -#}
{% macro project_batch_config(shared_inputs, key) -%}
    {%- set plan = 'project_batch(' ~ shared_inputs ~ '())' -%}
    {{ config(
        materialized=('table' if target.type == 'spark' else 'incremental'),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=([] if target.type == 'spark' else
            '{{ project_batch_delete(' ~ plan ~ ', ' ~ tagifai.sql_string_literal(key) ~ ') }}'),
        post_hook=([] if target.type == 'spark' else '{{ project_batch_record(' ~ plan ~ ') }}'),
    ) }}
{%- endmacro %}

{#- What every row of label_model shares: labeling_shared_inputs, the classifier's fit and every function
    weight (int_label_model_weights). New labels move the weights, and so recompute every row; new
    unlabeled projects, or nothing new, leave them as they are. -#}
{% macro label_model_shared_inputs() -%}
    {{ tagifai.labeling_shared_inputs() }}
        || '|' || coalesce((
            select fit_version from {{ ref('int_tag_model_fits') }} where model_fold = -1
        ), '')
        || '|' || coalesce((
            select string_agg(
                cast(weight_fold as varchar) || ':' || lf_name || ':' || cast(signed_weight as varchar),
                ',' order by weight_fold, lf_name
            )
            from {{ ref('int_label_model_weights') }}
        ), '')
{%- endmacro %}
