with tags as (
    select tag from {{ ref('stg_madewithml__tags') }}
),

aliases as (
    select
        alias,
        tag
    from {{ ref('int_tag_aliases_unnested') }}
    where is_unambiguous
),

names as (
    select
        tag as tag_name,
        tag,
        'tag' as name_type
    from tags
    union all
    select
        alias as tag_name,
        tag,
        'alias' as name_type
    from aliases
),

normalized as (
    select
        tag_name,
        tag,
        name_type,
        {{ normalize_tag_name('tag_name') }} as normalized_name
    from names
),

final as (
    select
        tag_name,
        tag,
        name_type,
        normalized_name,
        {{ singular_tag_name('normalized_name') }} as singular_name
    from normalized
)

select * from final
