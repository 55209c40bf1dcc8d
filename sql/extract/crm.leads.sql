-- crm.leads → staging.leads. Keep the column names (types that convert are cast); point FROM at your own table or view; @since is the watermark.
select lead_id, rep_id, customer_id, created_at, qualified_at, converted_at, updated_at
from crm.leads
where updated_at > @since
