-- A rep's findings of a month, read by rep: a form lists its rep's key-account risks (FormQuery), for a team's reps at
-- once in a team job and for one rep on the workspace's rep page. The only index was by team (the summary's read), so
-- each of those reads scanned the whole month's findings of every team: 115 ms for a team of 50 reps at 10,000 reps,
-- paid by each of the month-end's 200 team jobs.
create index finding_period_rep_kind_idx on reporting.finding(period, rep_id, kind);
