-- The workspace resolves the signed-in person on every request by address, case-insensitively
-- (People.FindAsync): without these, each request read every rep (10,000 in the bench organisation).
create index reps_lower_email_idx on staging.reps (lower(email));
create index teams_lower_manager_email_idx on staging.teams (lower(manager_email));
