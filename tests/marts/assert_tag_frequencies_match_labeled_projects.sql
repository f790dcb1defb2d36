-- Each kept tag's frequency equals the number of times it appears across labeled_projects' lists.
with tag_frequencies as (
    select * from {{ ref('tag_frequencies') }}
),

labeled_projects as (
    select * from {{ ref('labeled_projects') }}
),

labels as (
    select unnested_list.tag
    from labeled_projects
    {{ unnest_with_position('labeled_projects.tags', 'tag', 'tag_position') }}
),

label_counts as (
    select
        tag,
        count(*) as frequency
    from labels
    group by tag
),

final as (
    select
        tag_frequencies.frequency as expected_frequency,
        label_counts.frequency as actual_frequency,
        coalesce(tag_frequencies.tag, label_counts.tag) as tag
    from tag_frequencies
    full outer join label_counts on tag_frequencies.tag = label_counts.tag
    where
        (tag_frequencies.is_kept or tag_frequencies.tag is null)
        and tag_frequencies.frequency is distinct from label_counts.frequency
)

select * from final
