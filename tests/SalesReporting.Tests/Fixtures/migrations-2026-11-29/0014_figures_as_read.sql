-- Figures as they are read. A value is stored with the precision its query computed, which can be more
-- significant digits than a .NET decimal holds (28): reading such a figure failed, in the form, the
-- summary and compute alike. indicator_result_of now gives every figure to 10 decimal places, which a
-- decimal always holds up to 18 digits before the point; the stored values stay exact.
-- Completion (SPEC §4.1), direction-aware: actual ÷ target for higher-is-better, target ÷ actual for
-- lower-is-better (negotiation cycle); no value without a target, with a zero target or with no actual.
-- One definition, for a month (indicator_result_of) and for quarter and year roll-ups alike.
create function reporting.completion(actual numeric, target numeric, direction text) returns numeric
language sql immutable as $f$
select case when target is null or target = 0 or actual is null then null
            when direction = 'higher' then actual / target * 100
            when actual = 0 then null
            else target / actual * 100 end
$f$;

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

-- Indexes no reader uses, written on every compute of a month: every reader of anomalies and scores
-- goes by the key (period, rep_id, ...).
drop index reporting.anomaly_rep_id_period_idx;
drop index reporting.rep_score_period_team_id_idx;
