-- finance.invoices → staging.invoices. Keep the column names (types that convert are cast); point FROM at your own table or view; @since is the watermark.
select invoice_id, customer_id, rep_id, opportunity_id, issued_on, due_on, amount, cost_amount, status, updated_at
from finance.invoices
where updated_at > @since
