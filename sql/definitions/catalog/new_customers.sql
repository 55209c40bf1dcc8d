-- The row is history (0002_indicators.sql); its query is this file's, set again whenever the file changes.
-- Only the month's wins are read, each kept when no earlier win of the same customer exists (ties broken
-- by opportunity_id): sorting the first win of every customer in all history was the slow part. A win
-- without a customer is no customer and is not counted.
update reporting.indicator set query = $q$
select o.rep_id, count(*) as value, count(*) as numerator, null::numeric as denominator
from staging.opportunities o
where o.stage = 'won' and o.customer_id is not null
  and o.won_at >= @period_start::timestamp at time zone @tz and o.won_at < (@period_end + 1)::timestamp at time zone @tz
  and not exists (
    select 1 from staging.opportunities e
    where e.customer_id = o.customer_id and e.stage = 'won' and (e.won_at, e.opportunity_id) < (o.won_at, o.opportunity_id))
group by o.rep_id
$q$
where code = 'new_customers';
