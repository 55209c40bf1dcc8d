-- finance.payments → staging.payments. Keep the column names (types that convert are cast); point FROM at your own table or view; @since is the watermark.
select payment_id, invoice_id, received_on, amount, updated_at
from finance.payments
where updated_at > @since
