-- The row is history (0002_indicators.sql); its query is this file's, set again whenever the file changes.
-- The guide's definition: talked to the decision maker for at least 10 minutes and got a clear need.
update reporting.indicator set query = $q$
select rep_id, count(*) as value, count(*) as numerator, null::numeric as denominator
from staging.activities
where kind = 'visit' and duration_minutes >= 10 and with_decision_maker and need_identified
  and occurred_at >= @period_start::timestamp at time zone @tz and occurred_at < (@period_end + 1)::timestamp at time zone @tz
group by rep_id
$q$
where code = 'effective_visits';
