-- One row per user (teacher, student, ...) per roster snapshot day. Personal data only as hashes.
select
    cast(sourced_id as varchar)             as user_id,
    cast(status as varchar)                 as status,
    cast(enabled_user as boolean)           as enabled_user,
    cast(username_hash as varchar)          as username_hash,
    cast(given_name_hash as varchar)        as given_name_hash,
    cast(family_name_hash as varchar)       as family_name_hash,
    cast(role as varchar)                   as role,
    cast(identifier as varchar)             as user_code,
    cast(email_hash as varchar)             as email_hash,
    cast(phone_hash as varchar)             as phone_hash,
    cast(grades as varchar)                 as grades,
    cast(primary_org_sourced_id as varchar) as school_id,
    cast(title as varchar)                  as title,
    cast(backbone_level as varchar)         as backbone_level,
    cast(birth_year as integer)             as birth_year,
    cast(gender as varchar)                 as gender,
    cast(id_card_hash as varchar)           as id_card_hash,
    cast(student_no_hash as varchar)        as student_no_hash,
    cast(subject as varchar)                as subject,
    {{ loader_metadata() }}
from {{ source('roster', 'users') }}
