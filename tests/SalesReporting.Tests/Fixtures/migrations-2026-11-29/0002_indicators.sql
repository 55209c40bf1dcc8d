-- The indicator catalog (SPEC §4). Every indicator, built in or added later, is a row with a query
-- over the staged tables. The query gets @period_start and @period_end (dates, both inclusive) and
-- @tz (the company time zone) and returns (rep_id, value), optionally also (numerator, denominator)
-- so quarters and years can be recomputed from them.
create schema if not exists reporting;

create table reporting.indicator(
  code text primary key check (code ~ '^[a-z][a-z0-9_]*$'),
  name_zh_cn text not null,
  name_zh_tw text not null,
  name_en text not null,
  category text not null check (category in ('result', 'process', 'team')),
  unit text not null check (unit in ('wan_yuan', 'percent', 'count', 'days', 'score')),
  direction text not null check (direction in ('higher', 'lower')),
  -- 'zero': a rep missing from the query's result has 0 (counts, sums); 'none': no value (ratios, means).
  missing_as text not null check (missing_as in ('zero', 'none')),
  has_target bool not null default true,
  sort_order int not null,
  enabled bool not null default true,
  query text not null);

create table reporting.target(
  rep_id text not null,
  period date not null check (extract(day from period) = 1),
  indicator text not null references reporting.indicator(code),
  target numeric(16,4) not null check (target >= 0),
  source_file text,
  imported_at timestamptz not null default now(),
  primary key (rep_id, period, indicator));

create table reporting.indicator_value(
  period date not null,
  rep_id text not null,
  indicator text not null references reporting.indicator(code),
  actual numeric,
  numerator numeric,
  denominator numeric,
  computed_at timestamptz not null default now(),
  primary key (period, indicator, rep_id));
create index on reporting.indicator_value(rep_id, indicator, period);

-- Per-indicator failures of the last compute (an invalid custom query is reported by name).
create table reporting.compute_error(
  period date not null,
  indicator text not null,
  error text not null,
  occurred_at timestamptz not null default now(),
  primary key (period, indicator));

insert into reporting.indicator(code, name_zh_cn, name_zh_tw, name_en, category, unit, direction, missing_as, has_target, sort_order, query) values
('revenue', '销售额', '銷售額', 'Revenue', 'result', 'wan_yuan', 'higher', 'zero', true, 10, $q$
select rep_id, sum(amount) / 10000 as value, sum(amount) / 10000 as numerator, null::numeric as denominator
from staging.invoices
where status <> 'void' and issued_on between @period_start and @period_end
group by rep_id
$q$),
('collection_rate', '回款率', '回款率', 'Collection rate', 'result', 'percent', 'higher', 'none', true, 20, $q$
with due as (
  select invoice_id, rep_id, amount from staging.invoices
  where status <> 'void' and due_on between @period_start and @period_end),
paid as (
  select p.invoice_id, sum(p.amount) as paid from staging.payments p join due using (invoice_id)
  where p.received_on <= @period_end group by p.invoice_id)
select d.rep_id,
       100 * sum(least(d.amount, coalesce(paid.paid, 0))) / nullif(sum(d.amount), 0) as value,
       sum(least(d.amount, coalesce(paid.paid, 0))) as numerator,
       sum(d.amount) as denominator
from due d left join paid using (invoice_id)
group by d.rep_id
$q$),
('new_customers', '新客户数', '新客戶數', 'New customers', 'result', 'count', 'higher', 'zero', true, 30, $q$
with first_win as (
  select distinct on (customer_id) customer_id, rep_id, won_at
  from staging.opportunities
  where stage = 'won' and won_at is not null
  order by customer_id, won_at, opportunity_id)
select rep_id, count(*) as value, count(*) as numerator, null::numeric as denominator
from first_win
where won_at >= @period_start::timestamp at time zone @tz and won_at < (@period_end + 1)::timestamp at time zone @tz
group by rep_id
$q$),
('avg_order_value', '客单价', '客單價', 'Average order value', 'result', 'wan_yuan', 'higher', 'none', true, 40, $q$
select rep_id, sum(amount) / count(*) / 10000 as value, sum(amount) / 10000 as numerator, count(*) as denominator
from staging.opportunities
where stage = 'won' and won_at >= @period_start::timestamp at time zone @tz and won_at < (@period_end + 1)::timestamp at time zone @tz
group by rep_id
$q$),
('gross_margin', '毛利率', '毛利率', 'Gross margin', 'result', 'percent', 'higher', 'none', true, 50, $q$
select rep_id, 100 * (sum(amount) - sum(coalesce(cost_amount, 0))) / nullif(sum(amount), 0) as value,
       sum(amount) - sum(coalesce(cost_amount, 0)) as numerator, sum(amount) as denominator
from staging.invoices
where status <> 'void' and issued_on between @period_start and @period_end
group by rep_id
$q$),
('visits', '客户拜访量', '客戶拜訪量', 'Customer visits', 'process', 'count', 'higher', 'zero', true, 60, $q$
select rep_id, count(*) as value, count(*) as numerator, null::numeric as denominator
from staging.activities
where kind = 'visit' and occurred_at >= @period_start::timestamp at time zone @tz and occurred_at < (@period_end + 1)::timestamp at time zone @tz
group by rep_id
$q$),
-- The guide's definition: talked to the decision maker for at least 10 minutes and got a clear need.
('effective_visits', '有效拜访量', '有效拜訪量', 'Effective visits', 'process', 'count', 'higher', 'zero', true, 70, $q$
select rep_id, count(*) as value, count(*) as numerator, null::numeric as denominator
from staging.activities
where kind = 'visit' and duration_minutes >= 10 and with_decision_maker and need_identified
  and occurred_at >= @period_start::timestamp at time zone @tz and occurred_at < (@period_end + 1)::timestamp at time zone @tz
group by rep_id
$q$),
('lead_conversion', '有效线索转化率', '有效線索轉化率', 'Lead conversion', 'process', 'percent', 'higher', 'none', true, 80, $q$
select rep_id,
       100.0 * count(*) filter (where converted_at >= @period_start::timestamp at time zone @tz and converted_at < (@period_end + 1)::timestamp at time zone @tz)
             / nullif(count(*) filter (where qualified_at >= @period_start::timestamp at time zone @tz and qualified_at < (@period_end + 1)::timestamp at time zone @tz), 0) as value,
       count(*) filter (where converted_at >= @period_start::timestamp at time zone @tz and converted_at < (@period_end + 1)::timestamp at time zone @tz) as numerator,
       count(*) filter (where qualified_at >= @period_start::timestamp at time zone @tz and qualified_at < (@period_end + 1)::timestamp at time zone @tz) as denominator
from staging.leads
where (converted_at >= @period_start::timestamp at time zone @tz and converted_at < (@period_end + 1)::timestamp at time zone @tz)
   or (qualified_at >= @period_start::timestamp at time zone @tz and qualified_at < (@period_end + 1)::timestamp at time zone @tz)
group by rep_id
$q$),
('proposals', '方案提交数', '方案提交數', 'Proposals', 'process', 'count', 'higher', 'zero', true, 90, $q$
select rep_id, count(*) as value, count(*) as numerator, null::numeric as denominator
from staging.activities
where kind = 'proposal' and occurred_at >= @period_start::timestamp at time zone @tz and occurred_at < (@period_end + 1)::timestamp at time zone @tz
group by rep_id
$q$),
('negotiation_cycle', '合同谈判周期', '合同談判周期', 'Negotiation cycle', 'process', 'days', 'lower', 'none', true, 100, $q$
select rep_id, avg(extract(epoch from won_at - proposal_at) / 86400) as value,
       sum(extract(epoch from won_at - proposal_at) / 86400) as numerator, count(*) as denominator
from staging.opportunities
where stage = 'won' and proposal_at is not null
  and won_at >= @period_start::timestamp at time zone @tz and won_at < (@period_end + 1)::timestamp at time zone @tz
group by rep_id
$q$),
('team_share', '个人业绩占比', '個人業績占比', 'Share of team revenue', 'team', 'percent', 'higher', 'none', false, 110, $q$
with rev as (
  select r.rep_id, r.team_id, coalesce(sum(i.amount), 0) as amount
  from staging.reps r
  left join staging.invoices i on i.rep_id = r.rep_id and i.status <> 'void' and i.issued_on between @period_start and @period_end
  group by r.rep_id, r.team_id)
select rep_id, 100 * amount / nullif(sum(amount) over (partition by team_id), 0) as value,
       amount as numerator, sum(amount) over (partition by team_id) as denominator
from rev
$q$),
('customer_satisfaction', '客户满意度', '客戶滿意度', 'Customer satisfaction', 'team', 'score', 'higher', 'none', true, 120, $q$
select rep_id, avg(score)::numeric as value, sum(score) as numerator, count(*) as denominator
from staging.surveys
where answered_at >= @period_start::timestamp at time zone @tz and answered_at < (@period_end + 1)::timestamp at time zone @tz
group by rep_id
$q$);

-- Target, actual and what follows from them (SPEC §4.1). Rounding is left to the reader: one
-- decimal, half away from zero, at display.
create view reporting.indicator_result as
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
left join reporting.target t on t.rep_id = v.rep_id and t.period = v.period and t.indicator = v.indicator
left join reporting.indicator_value prev
  on prev.rep_id = v.rep_id and prev.indicator = v.indicator and prev.period = (v.period - interval '1 month')::date
left join reporting.indicator_value ly
  on ly.rep_id = v.rep_id and ly.indicator = v.indicator and ly.period = (v.period - interval '1 year')::date;
