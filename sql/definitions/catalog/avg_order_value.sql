-- The row is history (0002_indicators.sql); its query is this file's, set again whenever the file changes.
update reporting.indicator set query = $q$
select rep_id, sum(amount) / count(*) / 10000 as value, sum(amount) / 10000 as numerator, count(*) as denominator
from staging.opportunities
where stage = 'won' and won_at >= @period_start::timestamp at time zone @tz and won_at < (@period_end + 1)::timestamp at time zone @tz
group by rep_id
$q$
where code = 'avg_order_value';
