-- The closed loop (SPEC §1 step 6): API keys, notes on actions, the Hangfire follow-up jobs of each
-- action, and the effectiveness verdict after the due date.

-- Keys for the JSON API. Only the SHA-256 of a key is stored: the key is 32 random bytes, so a plain
-- hash is enough and a leaked table reveals no usable key. The scope keeps a rep to their own data.
create table reporting.api_key(
  id bigserial primary key,
  name text not null,
  role text not null check (role in ('admin', 'manager', 'rep')),
  scope_id text,                        -- team_id for a manager, rep_id for a rep, null for admin
  key_hash bytea not null unique,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  check ((role = 'admin') = (scope_id is null)));

create table reporting.action_note(
  id bigserial primary key,
  action_id bigint not null references reporting.improvement_action(id) on delete cascade,
  note text not null,
  written_by text not null,
  written_at timestamptz not null default now());
create index on reporting.action_note(action_id);

-- The Hangfire job scheduled for each (action, checkpoint|due) date, so a changed date deletes the
-- old job and schedules a new one. The job itself re-checks the date, so a stale row is harmless.
create table reporting.follow_up_job(
  action_id bigint not null references reporting.improvement_action(id) on delete cascade,
  kind text not null check (kind in ('checkpoint', 'due')),
  scheduled_for date not null,
  job_id text not null,
  primary key (action_id, kind));

-- Did the targeted indicator improve? Compared in the month after the due date against the action's
-- period, on completion where both months have one, else on the actual in the indicator's direction.
alter table reporting.improvement_action
  add column effectiveness text check (effectiveness in ('improved', 'not_improved')),
  add column effectiveness_basis text check (effectiveness_basis in ('completion', 'actual')),
  add column effectiveness_before numeric,
  add column effectiveness_after numeric,
  add column effectiveness_checked_on date;
create index on reporting.improvement_action(status, due_on);
