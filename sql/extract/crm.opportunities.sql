-- crm.opportunities → staging.opportunities. Keep the column names and types; point FROM at your own table or view.
select opportunity_id, rep_id, customer_id, amount, stage, proposal_at, won_at, is_renewal, updated_at
from crm.opportunities
where updated_at > @since
