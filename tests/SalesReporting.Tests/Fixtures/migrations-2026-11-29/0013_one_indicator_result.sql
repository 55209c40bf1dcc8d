-- indicator_result for one month, and one definition of target, completion, gap, MoM and YoY.
-- The view of 0002 joined last month and last year on an expression of each row's period, which the
-- planner cannot narrow to one month: read for a month, it scanned every value ever stored twice over
-- (two hash joins over the whole table), growing with every month of history. Given the month as an
-- argument, indicator_result_of(month) (inlined into the caller's query) reads exactly three months
-- through the key. It is now the definition; the view reads it month by month, every month from the
-- first to the last value stored (two look-ups on the key), so a filter on a rep or a month reaches the
-- key in each. The code reads the function; the view is for reading by hand.
drop view reporting.indicator_result cascade; -- on a database that ran an earlier 0012, also its function

create function reporting.indicator_result_of(p date)
returns table(period date, rep_id text, indicator text, unit text, direction text, actual numeric, target numeric,
              completion numeric, gap numeric, previous_actual numeric, mom numeric, last_year_actual numeric, yoy numeric)
language sql stable as $f$
select v.period, v.rep_id, v.indicator, i.unit, i.direction, v.actual, t.target,
       case when t.target is null or t.target = 0 or v.actual is null then null
            when i.direction = 'higher' then v.actual / t.target * 100
            when v.actual = 0 then null
            else t.target / v.actual * 100 end as completion,
       v.actual - t.target as gap,
       prev.actual as previous_actual,
       case when prev.actual is null or prev.actual = 0 or v.actual is null then null
            when i.unit = 'percent' then v.actual - prev.actual
            else (v.actual - prev.actual) / prev.actual * 100 end as mom,
       ly.actual as last_year_actual,
       case when ly.actual is null or ly.actual = 0 or v.actual is null then null
            when i.unit = 'percent' then v.actual - ly.actual
            else (v.actual - ly.actual) / ly.actual * 100 end as yoy
from reporting.indicator_value v
join reporting.indicator i on i.code = v.indicator
left join reporting.target t on t.rep_id = v.rep_id and t.period = p and t.indicator = v.indicator
left join reporting.indicator_value prev
  on prev.rep_id = v.rep_id and prev.indicator = v.indicator and prev.period = (p - interval '1 month')::date
left join reporting.indicator_value ly
  on ly.rep_id = v.rep_id and ly.indicator = v.indicator and ly.period = (p - interval '1 year')::date
where v.period = p
$f$;

create view reporting.indicator_result as
select r.*
from generate_series((select min(period) from reporting.indicator_value), (select max(period) from reporting.indicator_value),
                     interval '1 month') m(month)
cross join lateral reporting.indicator_result_of(m.month::date) r;
