-- finance.payments → staging.payments. Keep the column names and types; point FROM at your own table or view.
select payment_id, invoice_id, received_on, amount, updated_at
from finance.payments
where updated_at > @since
