-- crm.customers → staging.customers. Keep the column names (types that convert are cast); point FROM at your own table or view; @since is the watermark.
select customer_id, name, industry, segment, owner_rep_id, contract_end_date, updated_at
from crm.customers
where updated_at > @since
