-- is_blank_string calls blank exactly what the loader rejects as empty: '' and any mix of space, tab, newline,
-- form feed and carriage return; a vertical tab, a no-break space or any visible character is not blank.
with cases as (
    select
        '' as value,
        true as is_blank
    union all
    select
        chr(32),
        true
    union all
    select
        chr(9) || chr(10),
        true
    union all
    select
        chr(32) || chr(12) || chr(13) || chr(9),
        true
    union all
    select
        chr(13) || chr(10) || chr(32) || chr(32),
        true
    union all
    select
        chr(11),
        false
    union all
    select
        chr(160),
        false
    union all
    select
        chr(9) || 'a',
        false
    union all
    select
        'a' || chr(10),
        false
    union all
    select
        chr(32) || chr(10) || '.' || chr(32),
        false
),

final as (
    select *
    from cases
    where {{ tagifai.is_blank_string('value') }} <> is_blank
)

select * from final
