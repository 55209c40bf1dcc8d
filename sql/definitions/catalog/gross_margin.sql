-- The row is history (0002_indicators.sql); its query is this file's, set again whenever the file changes.
update reporting.indicator set query = $q$
select rep_id, 100 * (sum(amount) - sum(coalesce(cost_amount, 0))) / nullif(sum(amount), 0) as value,
       sum(amount) - sum(coalesce(cost_amount, 0)) as numerator, sum(amount) as denominator
from staging.invoices
where status <> 'void' and issued_on between @period_start and @period_end
group by rep_id
$q$
where code = 'gross_margin';
