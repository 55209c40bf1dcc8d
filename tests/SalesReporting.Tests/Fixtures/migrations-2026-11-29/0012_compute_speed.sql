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

-- indicator_result for one month: see 0013, where reporting.indicator_result_of(month) becomes the one
-- definition of the figures the view shows.

-- A month's 120,000 values went into two indexes: the key (period, indicator, rep_id) and a second one
-- led by rep_id for the forms' trends. In the second, each rep's new value lands on that rep's own
-- leaf page, so writing a month touched (and read back from disk) one page per rep and indicator, the
-- larger the longer the history: most of the time spent writing values. One key led by the month
-- serves both: a month's values are written side by side, a month is read as one range, and a rep's
-- months are found with one descent per month (period = any(...) and rep_id = ...).
alter table reporting.indicator_value drop constraint indicator_value_pkey;
alter table reporting.indicator_value add primary key (period, rep_id, indicator);
drop index reporting.indicator_value_rep_id_indicator_period_idx;
