-- One row per user (teacher, student, ...) per roster snapshot day. Personal data only as hashes.
select
    cast(sourced_id as string)             as user_id,
    cast(status as string)                 as status,
    cast(enabled_user as boolean)           as enabled_user,
    cast(username_hash as string)          as username_hash,
    cast(given_name_hash as string)        as given_name_hash,
    cast(family_name_hash as string)       as family_name_hash,
    cast(role as string)                   as role,
    cast(identifier as string)             as user_code,
    cast(email_hash as string)             as email_hash,
    cast(phone_hash as string)             as phone_hash,
    cast(grades as string)                 as grades,
    cast(primary_org_sourced_id as string) as school_id,
    cast(title as string)                  as title,
    cast(backbone_level as string)         as backbone_level,
    cast(birth_year as integer)             as birth_year,
    cast(gender as string)                 as gender,
    cast(id_card_hash as string)           as id_card_hash,
    cast(student_no_hash as string)        as student_no_hash,
    cast(subject as string)                as subject,
    {{ loader_metadata() }}
from {{ source('roster', 'users') }}
