-- Every labeling function votes on a kept tag; a function on any other tag suggests nothing (warning).
{{ config(severity='warn', store_failures=true, schema='test_failures') }}

with labeling_functions as (
    select * from {{ ref('labeling_functions') }}
),

kept_tags as (
    select tag from {{ ref('tag_frequencies') }}
    where is_kept
),

final as (
    select
        labeling_functions.lf_name,
        labeling_functions.tag
    from labeling_functions
    where labeling_functions.tag not in (select kept_tags.tag from kept_tags)
)

select * from final
