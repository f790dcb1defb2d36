-- Every label in labeled_projects is a taxonomy tag, not excluded, and used at least min_tag_freq times.
-- Each distinct tag is judged once, then joined back to list the offending labels.
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

label_counts as (
    select
        tag,
        count(*) as frequency
    from labels
    group by tag
),

offending_tags as (
    select
        tag,
        case
            when tag not in (select taxonomy_tags.tag from taxonomy_tags) then 'not a taxonomy tag'
            when tag in (select excluded_tags.tag from excluded_tags) then 'excluded tag'
            else 'used fewer than min_tag_freq times'
        end as problem
    from label_counts
    where
        tag not in (select taxonomy_tags.tag from taxonomy_tags)
        or tag in (select excluded_tags.tag from excluded_tags)
        or frequency < {{ integer_var('min_tag_freq') }}
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
