-- The one definition of a month's figures: target, completion, gap, MoM and YoY, read by compute, the forms,
-- the summary and the follow-up verdicts. Given the month as an argument (inlined into the caller's query)
-- it reads exactly three months through the key, where a view joining last month and last year on an
-- expression of each row's period scanned every value ever stored. Every figure to 10 decimal places: a
-- value is stored with the precision its query computed, which can be more digits than a .NET decimal
-- holds; the stored values stay exact.
create or replace function reporting.indicator_result_of(p date)
returns table(period date, rep_id text, indicator text, unit text, direction text, actual numeric, target numeric,
              completion numeric, gap numeric, previous_actual numeric, mom numeric, last_year_actual numeric, yoy numeric)
language sql stable as $f$
select v.period, v.rep_id, v.indicator, i.unit, i.direction, round(v.actual, 10), round(t.target, 10),
       round(reporting.completion(v.actual, t.target, i.direction), 10) as completion,
       round(v.actual - t.target, 10) as gap,
       round(prev.actual, 10) as previous_actual,
       round(case when prev.actual is null or prev.actual = 0 or v.actual is null then null
                  when i.unit = 'percent' then v.actual - prev.actual
                  else (v.actual - prev.actual) / prev.actual * 100 end, 10) as mom,
       round(ly.actual, 10) as last_year_actual,
       round(case when ly.actual is null or ly.actual = 0 or v.actual is null then null
                  when i.unit = 'percent' then v.actual - ly.actual
                  else (v.actual - ly.actual) / ly.actual * 100 end, 10) as yoy
from reporting.indicator_value v
join reporting.indicator i on i.code = v.indicator
left join reporting.target t on t.rep_id = v.rep_id and t.period = p and t.indicator = v.indicator
left join reporting.indicator_value prev
  on prev.rep_id = v.rep_id and prev.indicator = v.indicator and prev.period = (p - interval '1 month')::date
left join reporting.indicator_value ly
  on ly.rep_id = v.rep_id and ly.indicator = v.indicator and ly.period = (p - interval '1 year')::date
where v.period = p
$f$;
