-- An indicator that has values or anomalies cannot be deleted or renamed. Foreign keys from indicator_value
-- and anomaly to the catalog did this, checked row by row on every write of a month (tens of thousands of
-- rows at 10,000 reps); compute writes only codes it has just read from the catalog, so the catalog's own
-- trigger keeps what the keys did.
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

drop trigger if exists indicator_keeps_its_values on reporting.indicator;
create trigger indicator_keeps_its_values before delete or update of code on reporting.indicator
  for each row execute function reporting.indicator_keeps_its_values();
