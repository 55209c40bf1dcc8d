-- The row is history (0002_indicators.sql); its query is this file's, set again whenever the file changes.
-- The two halves (qualified in the month, converted in the month) are each read through their own index
-- and added up per rep; one OR across both could use neither.
update reporting.indicator set query = $q$
select rep_id,
       100.0 * sum(converted) / nullif(sum(qualified), 0) as value,
       sum(converted) as numerator,
       sum(qualified) as denominator
from (
  select rep_id, 1 as qualified, 0 as converted from staging.leads
  where qualified_at >= @period_start::timestamp at time zone @tz and qualified_at < (@period_end + 1)::timestamp at time zone @tz
  union all
  select rep_id, 0, 1 from staging.leads
  where converted_at >= @period_start::timestamp at time zone @tz and converted_at < (@period_end + 1)::timestamp at time zone @tz) l
group by rep_id
$q$
where code = 'lead_conversion';
