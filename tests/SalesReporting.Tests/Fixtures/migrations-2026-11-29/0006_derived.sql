-- Anomaly rules per indicator (SPEC §4.2). A null threshold turns that rule off for the indicator.
--   completion < anomaly_completion_below
--   MoM change the wrong way (direction-aware) ≥ anomaly_mom_drop_percent (relative %, every unit but percent)
--                                            or ≥ anomaly_mom_drop_points (percentage points, percent units)
--   |actual − mean| ÷ sample standard deviation ≥ anomaly_z over the rep's previous anomaly_z_months months,
--   when at least anomaly_z_min_months of them have a value
alter table reporting.indicator
  add column anomaly_completion_below numeric default 80 check (anomaly_completion_below >= 0),
  add column anomaly_mom_drop_percent numeric default 10 check (anomaly_mom_drop_percent > 0),
  add column anomaly_mom_drop_points numeric default 5 check (anomaly_mom_drop_points > 0),
  add column anomaly_z numeric default 2 check (anomaly_z > 0),
  add column anomaly_z_months int not null default 6 check (anomaly_z_months between 2 and 24),
  add column anomaly_z_min_months int not null default 4 check (anomaly_z_min_months >= 2);

alter table reporting.indicator add constraint indicator_z_min_within_window check (anomaly_z_min_months <= anomaly_z_months);

-- 團隊共性問題: an indicator below this completion for at least this share of the team's reps that
-- have a completion for it.
insert into reporting.setting(key, value) values ('team_issue_completion', '80'), ('team_issue_share', '0.5')
on conflict (key) do nothing;

create index on reporting.anomaly(rep_id, period);
