-- The row is history (0002_indicators.sql); its query is this file's, set again whenever the file changes.
update reporting.indicator set query = $q$
select rep_id, avg(extract(epoch from won_at - proposal_at) / 86400) as value,
       sum(extract(epoch from won_at - proposal_at) / 86400) as numerator, count(*) as denominator
from staging.opportunities
where stage = 'won' and proposal_at is not null
  and won_at >= @period_start::timestamp at time zone @tz and won_at < (@period_end + 1)::timestamp at time zone @tz
group by rep_id
$q$
where code = 'negotiation_cycle';
