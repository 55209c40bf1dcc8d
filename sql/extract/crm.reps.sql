-- crm.reps → staging.reps. Keep the column names and types; point FROM at your own table or view.
select rep_id, team_id, name, email, hire_date, active, updated_at
from crm.reps
where updated_at > @since
