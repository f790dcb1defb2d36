-- Every label in labeled_projects is a taxonomy tag, not excluded, and one tag_frequencies kept (used at
-- least min_tag_freq times). It judges by the threshold the tables were built with (is_kept), not by the
-- var of the command running the test: a `dbt test` after `dbt build --vars '{min_tag_freq: 20}'` judges
-- the 20 it was built with. Each distinct tag is judged once, then joined back to list the offending labels.
with labeled_projects as (
    select * from {{ ref('labeled_projects') }}
),

labels as (
    select
        labeled_projects.id,
        unnested_list.tag
    from labeled_projects
    {{ unnest_with_position('labeled_projects.tags', 'tag', 'tag_position') }}
),

taxonomy_tags as (
    select tag from {{ ref('stg_madewithml__tags') }}
),

excluded_tags as (
    select tag from {{ ref('excluded_tags') }}
),

kept_tags as (
    select
        tag,
        frequency
    from {{ ref('tag_frequencies') }}
    where is_kept
),

label_counts as (
    select
        tag,
        count(*) as frequency
    from labels
    group by tag
),

offending_tags as (
    select
        label_counts.tag,
        case
            when label_counts.tag not in (select taxonomy_tags.tag from taxonomy_tags) then 'not a taxonomy tag'
            when label_counts.tag in (select excluded_tags.tag from excluded_tags) then 'excluded tag'
            when kept_tags.tag is null then 'not kept by tag_frequencies (used fewer than min_tag_freq times)'
            else 'used a different number of times than tag_frequencies counts'
        end as problem
    from label_counts
    left join kept_tags on label_counts.tag = kept_tags.tag
    where
        label_counts.tag not in (select taxonomy_tags.tag from taxonomy_tags)
        or label_counts.tag in (select excluded_tags.tag from excluded_tags)
        or kept_tags.tag is null
        or label_counts.frequency != kept_tags.frequency
),

final as (
    select
        labels.id,
        labels.tag,
        offending_tags.problem
    from labels
    inner join offending_tags on labels.tag = offending_tags.tag
)

select * from final
