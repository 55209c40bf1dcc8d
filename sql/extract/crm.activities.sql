-- crm.activities → staging.activities. Keep the column names (types that convert are cast); point FROM at your own table or view; @since is the watermark.
select activity_id, rep_id, customer_id, kind, occurred_at, duration_minutes, with_decision_maker, need_identified, subject, progress, support_needed, updated_at
from crm.activities
where updated_at > @since
