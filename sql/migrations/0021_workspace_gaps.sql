-- A rep's dispute reaches the manager by email through the delivery ledger (kind 'dispute', subject the
-- reporting.rep_response id), sent once by a Hangfire job and retried by it.
alter table reporting.delivery drop constraint delivery_kind_check;
alter table reporting.delivery add constraint delivery_kind_check
  check (kind in ('rep_form', 'team_summary', 'reminder', 'rep_form_revision', 'review_ready', 'pacing',
                  'quarter_form', 'quarter_summary', 'year_form', 'year_summary', 'dispute'));
