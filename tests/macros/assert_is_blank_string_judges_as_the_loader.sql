-- is_blank_string calls blank exactly what the loader rejects as empty: '' and any mix of space, tab, newline,
-- form feed and carriage return; a vertical tab, a no-break space or any visible character is not blank.
with cases as (
    select
        '' as string_value,
        true as is_blank
    union all
    select
        chr(32) as string_value,
        true as is_blank
    union all
    select
        chr(9) || chr(10) as string_value,
        true as is_blank
    union all
    select
        chr(32) || chr(12) || chr(13) || chr(9) as string_value,
        true as is_blank
    union all
    select
        chr(13) || chr(10) || chr(32) || chr(32) as string_value,
        true as is_blank
    union all
    select
        chr(11) as string_value,
        false as is_blank
    union all
    select
        chr(160) as string_value,
        false as is_blank
    union all
    select
        chr(9) || 'a' as string_value,
        false as is_blank
    union all
    select
        'a' || chr(10) as string_value,
        false as is_blank
    union all
    select
        chr(32) || chr(10) || '.' || chr(32) as string_value,
        false as is_blank
),

final as (
    select *
    from cases
    where {{ tagifai.is_blank_string('string_value') }} <> is_blank
)

select * from final
