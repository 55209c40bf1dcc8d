-- Exactly-once in effect (SPEC §6): one row per (kind, period, subject, recipient), checked before
-- sending and marked after. The Message-Id is derived from the same key.
create table reporting.delivery(
  id bigserial primary key,
  kind text not null check (kind in ('rep_form', 'team_summary', 'reminder')),
  period date not null,
  subject_id text not null,
  recipient text not null,
  message_id text not null,
  status text not null check (status in ('pending', 'sent', 'failed')),
  attempts int not null default 0,
  last_error text,
  attachment_path text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  unique (kind, period, subject_id, recipient));

-- 問題分析與改進計劃: improvement actions agreed with a rep, followed up until they work.
create table reporting.improvement_action(
  id bigserial primary key,
  rep_id text not null,
  period date not null,
  problem text not null,
  root_cause text not null,
  cause_category text not null check (cause_category in ('people', 'product', 'market')),
  action text not null,
  owner_name text not null,
  owner_email text,
  due_on date not null,
  checkpoint_on date,
  support_needed text,
  indicator text references reporting.indicator(code),
  status text not null default 'open' check (status in ('open', 'done')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (rep_id, period, problem));

-- A reason written by a person replaces the automatic draft (SPEC §4.2).
create table reporting.anomaly_reason(
  period date not null,
  rep_id text not null,
  indicator text not null references reporting.indicator(code),
  reason text not null,
  written_by text,
  written_at timestamptz not null default now(),
  primary key (period, rep_id, indicator));

create table reporting.acknowledgement(
  period date not null,
  rep_id text not null,
  acknowledged_at timestamptz not null,
  primary key (period, rep_id));
