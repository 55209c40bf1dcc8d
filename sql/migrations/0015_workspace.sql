-- The workspace: managers and reps act on the month's form themselves (steps 4-6 of the cycle).

-- Passwordless sign-in: one row per emailed link. The link carries the id and an HMAC; the row makes it
-- single use (used_at) and short-lived (expires_at). Only the id's SHA-256 is stored.
create table reporting.signin_link(
  id_hash bytea primary key,
  email text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz);
create index on reporting.signin_link(created_at);

-- ASP.NET Core data-protection keys (session cookies, antiforgery), shared by every serve process on
-- this database so a session survives a restart and works behind one address with several processes.
create table reporting.data_protection_key(
  id bigserial primary key,
  friendly_name text not null unique,
  xml text not null,
  created_at timestamptz not null default now());

-- The 1:1 of the month and the manager's sign-off (反饋與確認).
create table reporting.review(
  period date not null,
  rep_id text not null,
  held_on date,
  notes text,
  agreed text,
  signed_off_by text,
  signed_off_at timestamptz,
  updated_by text not null,
  updated_at timestamptz not null default now(),
  primary key (period, rep_id));

-- The rep's side of the conversation, and the manager's answer to each entry.
create table reporting.rep_response(
  id bigserial primary key,
  period date not null,
  rep_id text not null,
  kind text not null check (kind in ('difficulty', 'support', 'action_comment', 'dispute')),
  action_id bigint references reporting.improvement_action(id) on delete cascade,
  indicator text references reporting.indicator(code),
  body text not null,
  progress text,
  written_by text not null,
  written_at timestamptz not null default now(),
  answer text,
  answered_by text,
  answered_at timestamptz,
  check ((kind = 'action_comment') = (action_id is not null)),
  check ((kind = 'dispute') = (indicator is not null)));
create index on reporting.rep_response(period, rep_id);

-- The spot check of a sampled visit: verified or not, with a note.
create table reporting.spot_check_result(
  period date not null,
  activity_id text not null,
  rep_id text not null,
  verified boolean not null,
  note text,
  checked_by text not null,
  checked_at timestamptz not null default now(),
  primary key (period, activity_id));

-- Every change made in the workspace: who, when, what, before -> after.
create table reporting.change_log(
  id bigserial primary key,
  at timestamptz not null default now(),
  actor text not null,
  period date not null,
  rep_id text,
  team_id text,
  what text not null,
  subject text,
  before jsonb,
  after jsonb);
create index on reporting.change_log(period, rep_id);
create index on reporting.change_log(period, team_id);

-- Re-sending a rep's updated form is a delivery of its own (a revision), so the first send stays on record.
alter table reporting.delivery drop constraint delivery_kind_check;
alter table reporting.delivery add constraint delivery_kind_check
  check (kind in ('rep_form', 'team_summary', 'reminder', 'rep_form_revision'));
