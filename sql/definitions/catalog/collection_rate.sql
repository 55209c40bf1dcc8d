-- The row is history (0002_indicators.sql); its query is this file's, set again whenever the file changes.
-- Each invoice due in the month looks its payments up through the invoice_id index: reading and hashing
-- all payments to find the month's was the slow part.
update reporting.indicator set query = $q$
select d.rep_id,
       100 * sum(least(d.amount, coalesce(p.paid, 0))) / nullif(sum(d.amount), 0) as value,
       sum(least(d.amount, coalesce(p.paid, 0))) as numerator,
       sum(d.amount) as denominator
from staging.invoices d
left join lateral (
  select sum(amount) as paid from staging.payments
  where invoice_id = d.invoice_id and received_on <= @period_end) p on true
where d.status <> 'void' and d.due_on between @period_start and @period_end
group by d.rep_id
$q$
where code = 'collection_rate';
