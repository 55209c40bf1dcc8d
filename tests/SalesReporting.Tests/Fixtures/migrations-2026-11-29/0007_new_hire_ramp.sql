-- New-hire ramp 新人爬坡 (SPEC §4.1) as figures, next to its one-line finding: the rep's form prints
-- the team's median at the same tenure month as a number in its own locale and format, so it reads
-- the figure here rather than parsing the finding's text. Rewritten with the period's findings.
create table reporting.new_hire_ramp(
  period date not null,
  rep_id text not null,
  indicator text not null references reporting.indicator(code),
  tenure_month int not null check (tenure_month >= 1),
  actual numeric,                       -- the new hire's value this period; null: none computed
  team_median numeric,                  -- null: no teammate has a value at this tenure month
  team_reps int not null,               -- teammates the median is taken over
  computed_at timestamptz not null default now(),
  primary key (period, rep_id, indicator));

-- The findings look invoices up by opportunity (won without invoice) and by customer (key accounts).
create index on staging.invoices(opportunity_id);
create index on staging.invoices(customer_id);
