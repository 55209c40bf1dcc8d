-- crm.surveys → staging.surveys. Keep the column names (types that convert are cast); point FROM at your own table or view; @since is the watermark.
select survey_id, customer_id, rep_id, score, answered_at, updated_at
from crm.surveys
where updated_at > @since
