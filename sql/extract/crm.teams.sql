-- crm.teams → staging.teams. Keep the column names (types that convert are cast); point FROM at your own table or view; @since is the watermark.
select team_id, name, region, manager_name, manager_email, locale, updated_at
from crm.teams
where updated_at > @since
