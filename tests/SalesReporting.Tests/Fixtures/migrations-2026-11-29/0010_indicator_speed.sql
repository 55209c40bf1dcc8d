-- Indicator speed at 10,000 reps (SPEC §8: compute within 2× a bare GROUP BY scan of the month's rows).

-- new_customers: the first win of every customer in all history was sorted on every compute. Now only
-- the month's wins are read, each kept when no earlier win of the same customer exists (ties broken by
-- opportunity_id, as before). A win without a customer is no customer and is not counted.
create index opportunities_first_win on staging.opportunities (customer_id, won_at, opportunity_id) where stage = 'won';

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

-- Each indicator reads its month through an index that holds every column it needs, so the month is
-- read from the index alone (an index-only scan) instead of visiting the table row by row. The
-- indexes they replace had the same leading column: whatever used those uses these.
create index activities_kind_month on staging.activities (kind, occurred_at)
  include (rep_id, duration_minutes, with_decision_maker, need_identified);
-- effective_visits reads only the visits that qualify; a stricter threshold in its query still uses it.
create index activities_effective_visit_month on staging.activities (occurred_at) include (rep_id)
  where kind = 'visit' and duration_minutes >= 10 and with_decision_maker and need_identified;

drop index staging.invoices_issued_on_idx;
create index invoices_issued_on_idx on staging.invoices (issued_on) include (rep_id, status, amount, cost_amount);
drop index staging.invoices_due_on_idx;
create index invoices_due_on_idx on staging.invoices (due_on) include (invoice_id, rep_id, status, amount);
drop index staging.payments_invoice_id_idx;
create index payments_invoice_id_idx on staging.payments (invoice_id) include (received_on, amount);
drop index staging.leads_qualified_at_idx;
create index leads_qualified_at_idx on staging.leads (qualified_at) include (rep_id);
drop index staging.leads_converted_at_idx;
create index leads_converted_at_idx on staging.leads (converted_at) include (rep_id);
drop index staging.opportunities_won_at_idx;
create index opportunities_won_at_idx on staging.opportunities (won_at) include (rep_id, stage, amount, proposal_at, customer_id, opportunity_id);
drop index staging.surveys_answered_at_idx;
create index surveys_answered_at_idx on staging.surveys (answered_at) include (rep_id, score);

-- lead_conversion: the two halves of the old OR (qualified in the month, converted in the month) each
-- read through its own index and added up per rep; the counts are the same.
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

-- collection_rate: all payments were read and hashed to find those of the month's invoices; now each
-- invoice due in the month looks its payments up through the invoice_id index.
update reporting.indicator set query = $q$
select d.rep_id,
       100 * sum(least(d.amount, coalesce(p.paid, 0))) / nullif(sum(d.amount), 0) as value,
       sum(least(d.amount, coalesce(p.paid, 0))) as numerator,
       sum(d.amount) as denominator
from staging.invoices d
left join lateral (
  select sum(amount) as paid from staging.payments
  where invoice_id = d.invoice_id and received_on <= @period_end) p on true
where d.status <> 'void' and d.due_on between @period_start and @period_end
group by d.rep_id
$q$
where code = 'collection_rate';

-- The foreign key from every value to the catalog was checked row by row: a third of the time spent
-- writing a month's 120,000 values. Values are written only by compute, for the codes it has just read
-- from the catalog; what the key also did, refuse to delete (or rename) an indicator that has values,
-- this trigger keeps doing.
alter table reporting.indicator_value drop constraint indicator_value_indicator_fkey;

create function reporting.indicator_keeps_its_values() returns trigger language plpgsql as $f$
begin
  if (tg_op = 'DELETE' or new.code is distinct from old.code)
     and exists (select 1 from reporting.indicator_value where indicator = old.code) then
    raise exception 'indicator % has computed values; disable it (enabled = false) rather than deleting or renaming it', old.code
      using errcode = 'foreign_key_violation';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$f$;

create trigger indicator_keeps_its_values before delete or update of code on reporting.indicator
  for each row execute function reporting.indicator_keeps_its_values();
