-- A table: unknown_tags and taxonomy_issues both read it, and the edit distances are computed once.
{{ config(materialized='table') }}

with known_names as (
    select * from {{ ref('int_tag_names_normalized') }}
),

used_names as (
    select tag as tag_name from {{ ref('int_tags_counted') }}
),

parent_links as (
    select parent as tag_name from {{ ref('int_tag_parents_unnested') }}
),

unknown_names as (
    select distinct all_names.tag_name
    from (
        select used_names.tag_name from used_names
        union all
        select parent_links.tag_name from parent_links
    ) as all_names
    where
        all_names.tag_name is not null
        and all_names.tag_name not in (select known_names.tag_name from known_names)
),

normalized as (
    select
        tag_name,
        {{ normalize_tag_name('tag_name') }} as normalized_name
    from unknown_names
),

spellings as (
    select
        tag_name,
        normalized_name,
        {{ singular_tag_name('normalized_name') }} as singular_name
    from normalized
),

candidates as (
    select
        spellings.tag_name,
        known_names.tag as similar_tag,
        known_names.tag_name as similar_name,
        case
            when spellings.normalized_name = known_names.normalized_name then 1
            when spellings.singular_name = known_names.singular_name then 2
            else 3
        end as match_priority
    from spellings
    inner join known_names
        on
            spellings.normalized_name = known_names.normalized_name
            or spellings.singular_name = known_names.singular_name
            or (
                length(spellings.normalized_name) >= 6
                -- One edit changes the length by at most one: a cheap test before the edit distance.
                and abs(length(spellings.normalized_name) - length(known_names.normalized_name)) <= 1
                and {{ edit_distance('spellings.normalized_name', 'known_names.normalized_name') }} = 1
            )
),

best_candidates as (
    select
        tag_name,
        similar_tag,
        similar_name,
        match_priority,
        row_number() over (partition by tag_name order by match_priority, similar_tag, similar_name) as candidate_rank
    from candidates
),

final as (
    select
        spellings.tag_name,
        spellings.normalized_name,
        best_candidates.similar_tag,
        best_candidates.similar_name,
        case best_candidates.match_priority
            when 1 then 'case or spacing variant'
            when 2 then 'singular/plural variant'
            when 3 then 'spelling variant'
        end as match_type
    from spellings
    left join best_candidates
        on
            spellings.tag_name = best_candidates.tag_name
            and best_candidates.candidate_rank = 1
)

select * from final
