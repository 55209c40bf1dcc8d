-- The row is history (0002_indicators.sql); its query is this file's, set again whenever the file changes.
update reporting.indicator set query = $q$
select rep_id, count(*) as value, count(*) as numerator, null::numeric as denominator
from staging.activities
where kind = 'visit' and occurred_at >= @period_start::timestamp at time zone @tz and occurred_at < (@period_end + 1)::timestamp at time zone @tz
group by rep_id
$q$
where code = 'visits';
