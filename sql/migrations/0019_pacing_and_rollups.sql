-- Weekly pacing: a team may opt out of the Monday email (on by default; a team without a setting row gets it).
alter table reporting.team_setting add column weekly_pacing boolean not null default true;

-- The ledger's new kinds: the weekly pacing email (one per team and week, keyed by the week's Monday), and the
-- quarter's and the year's forms and summaries (period = the quarter's or the year's first month; a quarter and a
-- year that begin the same month are told apart by their kind).
alter table reporting.delivery drop constraint delivery_kind_check;
alter table reporting.delivery add constraint delivery_kind_check
  check (kind in ('rep_form', 'team_summary', 'reminder', 'rep_form_revision', 'review_ready', 'pacing',
                  'quarter_form', 'quarter_summary', 'year_form', 'year_summary'));
