-- The row is history (0002_indicators.sql); its query is this file's, set again whenever the file changes.
update reporting.indicator set query = $q$
select rep_id, avg(score)::numeric as value, sum(score) as numerator, count(*) as denominator
from staging.surveys
where answered_at >= @period_start::timestamp at time zone @tz and answered_at < (@period_end + 1)::timestamp at time zone @tz
group by rep_id
$q$
where code = 'customer_satisfaction';
