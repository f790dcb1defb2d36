-- What changed from release `before` to release `after`: the rows of `tagifai-release diff before after`,
-- one per change. DuckDB: dbt compile --select release_diff --vars '{before: 2021-03, after: 2021-05}',
-- then run target/compiled/tagifai/analyses/release_diff.sql. It reads the releases' Parquet files as
-- they are; `tagifai-release diff` verifies them against their manifests first.
{%- set version_pattern = '[A-Za-z0-9][A-Za-z0-9._-]{0,63}' -%}
{%- set before_version = string_var('before', '2021-03', pattern=version_pattern) -%}
{%- set after_version = string_var('after', '2021-05', pattern=version_pattern) %}

with before_rows as (
    select id, tags, text, created_on
    from read_parquet({{ release_file(before_version, 'labeled_projects.parquet') }})
),

after_rows as (
    select id, tags, text, created_on
    from read_parquet({{ release_file(after_version, 'labeled_projects.parquet') }})
),

before_authored as (
    select id, tags
    from read_parquet({{ release_file(before_version, 'author_tags.parquet') }})
),

after_authored as (
    select id, tags
    from read_parquet({{ release_file(after_version, 'author_tags.parquet') }})
),

before_counts as (
    select tag, count(*) as n_projects
    from before_rows, unnest(tags) as labels (tag)
    group by tag
),

after_counts as (
    select tag, count(*) as n_projects
    from after_rows, unnest(tags) as labels (tag)
    group by tag
),

common as (
    select
        before_rows.id,
        before_rows.tags as before_tags,
        after_rows.tags as after_tags,
        before_rows.text is distinct from after_rows.text as text_changed,
        before_rows.created_on is distinct from after_rows.created_on as created_on_changed
    from before_rows
    inner join after_rows on before_rows.id = after_rows.id
),

tag_counts as (
    select
        coalesce(before_counts.tag, after_counts.tag) as tag,
        coalesce(before_counts.n_projects, 0) as n_before,
        coalesce(after_counts.n_projects, 0) as n_after
    from before_counts
    full outer join after_counts on before_counts.tag = after_counts.tag
),

changes as (
    select 'project_added' as change, id as project_id, null as before_tags, tags as after_tags
    from after_rows
    where id not in (select before_rows.id from before_rows)

    union all
    select 'project_removed', id, tags, null
    from before_rows
    where id not in (select after_rows.id from after_rows)

    union all
    select 'tags_changed', id, before_tags, after_tags
    from common
    where before_tags <> after_tags

    union all
    select 'text_changed', id, before_tags, after_tags
    from common
    where text_changed

    union all
    select 'created_on_changed', id, before_tags, after_tags
    from common
    where created_on_changed

    -- The author's own tags, which the labeling rules may filter out (a tag outside the taxonomy).
    union all
    select 'author_tags_changed', before_authored.id, before_authored.tags, after_authored.tags
    from before_authored
    inner join after_authored on before_authored.id = after_authored.id
    where before_authored.tags <> after_authored.tags
),

final as (
    select
        changes.change,
        changes.project_id,
        cast(null as varchar) as tag,
        changes.before_tags,
        changes.after_tags,
        list_filter(changes.before_tags, lambda t: not list_contains(coalesce(changes.after_tags, []), t))
            as tags_removed,
        list_filter(changes.after_tags, lambda t: not list_contains(coalesce(changes.before_tags, []), t))
            as tags_added,
        case
            when changes.change = 'author_tags_changed'
                then coalesce(common.before_tags <> common.after_tags, false)
        end as labels_changed,
        cast(null as bigint) as n_before,
        cast(null as bigint) as n_after,
        cast(null as bigint) as count_delta
    from changes
    left join common on changes.project_id = common.id

    union all
    select
        case
            when n_before = 0 then 'tag_added' when n_after = 0 then 'tag_dropped' else 'tag_count_changed'
        end,
        null,
        tag,
        null,
        null,
        null,
        null,
        null,
        n_before,
        n_after,
        n_after - n_before
    from tag_counts
    where n_after <> n_before
)

select * from final
order by change asc, project_id asc nulls last, tag asc nulls last
