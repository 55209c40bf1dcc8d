-- crm.teams → staging.teams. Keep the column names and types; point FROM at your own table or view.
select team_id, name, region, manager_name, manager_email, locale, updated_at
from crm.teams
where updated_at > @since
