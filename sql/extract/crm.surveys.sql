-- crm.surveys → staging.surveys. Keep the column names and types; point FROM at your own table or view.
select survey_id, customer_id, rep_id, score, answered_at, updated_at
from crm.surveys
where updated_at > @since
