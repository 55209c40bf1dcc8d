-- What compute concludes beyond the indicator values (SPEC §4.1–4.3), stored so the rep's form, the
-- manager's summary and the follow-up scan read one answer instead of each working it out again.

-- 異常: one row per flagged (period, rep, indicator), with the rules that flagged it and the automatic
-- reason draft naming the drivers, written in the team's locale. A person's reason
-- (reporting.anomaly_reason) replaces the draft where both exist.
create table reporting.anomaly(
  period date not null,
  rep_id text not null,
  indicator text not null references reporting.indicator(code),
  rules text[] not null,                -- any of 'completion', 'mom', 'zscore'
  draft text not null,
  computed_at timestamptz not null default now(),
  primary key (period, rep_id, indicator));

-- The weighted score and tier of each rep, as computed with the weights in force at compute time.
create table reporting.rep_score(
  period date not null,
  rep_id text not null,
  team_id text not null,
  score numeric,                        -- null: no weighted indicator has a completion
  tier text check (tier in ('high', 'on_track', 'improve')),
  computed_at timestamptz not null default now(),
  primary key (period, rep_id));
create index on reporting.rep_score(period, team_id);

-- Everything the manager's summary lists besides the rep rows: team-wide issues, data-authenticity
-- findings, the spot-check sample, new-hire ramp, key-account risks and configuration warnings.
-- detail is one line in the team's locale; the other columns let the summary group and sort.
create table reporting.finding(
  id bigserial primary key,
  period date not null,
  team_id text not null,
  kind text not null check (kind in ('team_issue', 'authenticity', 'spot_check', 'new_hire_ramp',
                                     'key_account_risk', 'config_warning')),
  rep_id text,                          -- null for a finding about the whole team
  indicator text,
  subject text,                         -- the customer, activity, opportunity or invoice it is about
  detail text not null,
  computed_at timestamptz not null default now());
create index on reporting.finding(period, team_id, kind);
