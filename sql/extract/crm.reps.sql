-- crm.reps → staging.reps. Keep the column names (types that convert are cast); point FROM at your own table or view; @since is the watermark.
select rep_id, team_id, name, email, hire_date, active, updated_at
from crm.reps
where updated_at > @since
