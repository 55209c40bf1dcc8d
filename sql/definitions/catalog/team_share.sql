-- The row is history (0002_indicators.sql); its query is this file's, set again whenever the file changes.
update reporting.indicator set query = $q$
with rev as (
  select r.rep_id, r.team_id, coalesce(sum(i.amount), 0) as amount
  from staging.reps r
  left join staging.invoices i on i.rep_id = r.rep_id and i.status <> 'void' and i.issued_on between @period_start and @period_end
  group by r.rep_id, r.team_id)
select rep_id, 100 * amount / nullif(sum(amount) over (partition by team_id), 0) as value,
       amount as numerator, sum(amount) over (partition by team_id) as denominator
from rev
$q$
where code = 'team_share';
