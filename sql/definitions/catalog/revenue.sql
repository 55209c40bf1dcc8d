-- The row is history (0002_indicators.sql); its query is this file's, set again whenever the file changes.
update reporting.indicator set query = $q$
select rep_id, sum(amount) / 10000 as value, sum(amount) / 10000 as numerator, null::numeric as denominator
from staging.invoices
where status <> 'void' and issued_on between @period_start and @period_end
group by rep_id
$q$
where code = 'revenue';
