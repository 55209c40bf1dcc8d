-- Anomalies are written by compute in one COPY, for indicator codes it has just read from the catalog.
-- The foreign key to the catalog was checked row by row (tens of thousands a month at 10,000 reps); as
-- for the values (0010), the trigger on the catalog keeps what it also did: an indicator that has
-- values or anomalies cannot be deleted or renamed.
alter table reporting.anomaly drop constraint anomaly_indicator_fkey;

create or replace function reporting.indicator_keeps_its_values() returns trigger language plpgsql as $f$
begin
  if (tg_op = 'DELETE' or new.code is distinct from old.code)
     and (exists (select 1 from reporting.indicator_value where indicator = old.code)
          or exists (select 1 from reporting.anomaly where indicator = old.code)) then
    raise exception 'indicator % has computed values; disable it (enabled = false) rather than deleting or renaming it', old.code
      using errcode = 'foreign_key_violation';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$f$;

-- indicator_result for one month. The view joins last month and last year on an expression of each
-- row's period, which the planner cannot narrow to one month: read for a month, it scanned every value
-- ever stored twice over (two hash joins over the whole table), and grew with every month of history.
-- Given the month as an argument, this (inlined into the caller's query) reads exactly three months
-- through the key. Same columns, same figures as the view.
create function reporting.indicator_result_of(p date) returns setof reporting.indicator_result language sql stable as $f$
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

-- A month's 120,000 values went into two indexes: the key (period, indicator, rep_id) and a second one
-- led by rep_id for the forms' trends. In the second, each rep's new value lands on that rep's own
-- leaf page, so writing a month touched (and read back from disk) one page per rep and indicator, the
-- larger the longer the history: most of the time spent writing values. One key led by the month
-- serves both: a month's values are written side by side, a month is read as one range, and a rep's
-- months are found with one descent per month (period = any(...) and rep_id = ...).
alter table reporting.indicator_value drop constraint indicator_value_pkey;
alter table reporting.indicator_value add primary key (period, rep_id, indicator);
drop index reporting.indicator_value_rep_id_indicator_period_idx;
