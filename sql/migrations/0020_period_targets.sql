-- Targets set for a quarter or a year as a whole (a row of the targets file with period 2026-Q3 or 2026): they
-- override the roll-up of that period's monthly targets on the quarter's and the year's forms.
-- period = the quarter's or the year's first month; kind tells a quarter from the year that begins the same month.
create table reporting.period_target(
  rep_id text not null,
  kind text not null check (kind in ('quarter', 'year')),
  period date not null check (extract(day from period) = 1),
  indicator text not null references reporting.indicator(code),
  target numeric(16,4) not null check (target >= 0),
  source_file text,
  imported_at timestamptz not null default now(),
  primary key (rep_id, kind, period, indicator));
