-- Release after review: a team whose manager reviews the forms first. Month-end then holds the reps' forms
-- and tells the manager they are ready; they go out when the manager releases them, or by themselves after
-- release_after_days (the release-after-review job).
create table reporting.team_setting(
  team_id text primary key,
  release_after_review boolean not null default false,
  release_after_days int not null default 3 check (release_after_days between 1 and 30),
  updated_by text not null,
  updated_at timestamptz not null default now());

-- One row per (month, team) held for review: when the manager was told, and when (and by whom) the forms were released.
create table reporting.review_release(
  period date not null,
  team_id text not null,
  ready_at timestamptz not null default now(),
  release_due_at timestamptz not null,
  released_at timestamptz,
  released_by text,
  primary key (period, team_id));
create index on reporting.review_release(release_due_at) where released_at is null;

alter table reporting.delivery drop constraint delivery_kind_check;
alter table reporting.delivery add constraint delivery_kind_check
  check (kind in ('rep_form', 'team_summary', 'reminder', 'rep_form_revision', 'review_ready'));
