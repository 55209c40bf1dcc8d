-- crm.opportunities → staging.opportunities. Keep the column names (types that convert are cast); point FROM at your own table or view; @since is the watermark.
select opportunity_id, rep_id, customer_id, amount, stage, proposal_at, won_at, is_renewal, updated_at
from crm.opportunities
where updated_at > @since
