-- A rep's dispute reaches the manager by email through the delivery ledger (kind 'dispute', subject the
-- reporting.rep_response id), sent once by a Hangfire job and retried by it.
alter table reporting.delivery drop constraint delivery_kind_check;
alter table reporting.delivery add constraint delivery_kind_check
  check (kind in ('rep_form', 'team_summary', 'reminder', 'rep_form_revision', 'review_ready', 'pacing',
                  'quarter_form', 'quarter_summary', 'year_form', 'year_summary', 'dispute'));

-- The per-address sign-in mail limit (Workspace:SignInMailsPerAddress in 15 minutes) is counted from the links mailed,
-- in the database, so several serve processes share one count. An acknowledgement link's sign-in writes a row too
-- (used when written); it is no mail and does not count.
alter table reporting.signin_link add column mailed boolean not null default false;
update reporting.signin_link set mailed = (used_at is null or used_at <> created_at);
create index signin_link_mailed_by_address on reporting.signin_link (lower(email), created_at) where mailed;
