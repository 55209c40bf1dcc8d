-- Staged copies of the source rows (SPEC §3.1). Only these are read by compute and the forms.
create schema if not exists staging;

create table staging.teams(team_id text primary key, name text not null, region text, manager_name text,
  manager_email text, locale text, updated_at timestamptz not null);
create table staging.reps(rep_id text primary key, team_id text not null, name text not null, email text not null,
  hire_date date, active bool not null, updated_at timestamptz not null);
create table staging.customers(customer_id text primary key, name text not null, industry text, segment text,
  owner_rep_id text, contract_end_date date, updated_at timestamptz not null);
create table staging.leads(lead_id text primary key, rep_id text not null, customer_id text, created_at timestamptz,
  qualified_at timestamptz, converted_at timestamptz, updated_at timestamptz not null);
create table staging.activities(activity_id text primary key, rep_id text not null, customer_id text, kind text not null,
  occurred_at timestamptz not null, duration_minutes int, with_decision_maker bool, need_identified bool, subject text,
  progress text, support_needed text, updated_at timestamptz not null);
create table staging.opportunities(opportunity_id text primary key, rep_id text not null, customer_id text,
  amount numeric(14,2), stage text not null, proposal_at timestamptz, won_at timestamptz, is_renewal bool,
  updated_at timestamptz not null);
create table staging.surveys(survey_id text primary key, customer_id text, rep_id text not null, score int not null,
  answered_at timestamptz not null, updated_at timestamptz not null);
create table staging.invoices(invoice_id text primary key, customer_id text, rep_id text not null, opportunity_id text,
  issued_on date not null, due_on date not null, amount numeric(14,2) not null, cost_amount numeric(14,2),
  status text not null, updated_at timestamptz not null);
create table staging.payments(payment_id text primary key, invoice_id text not null, received_on date not null,
  amount numeric(14,2) not null, updated_at timestamptz not null);

create index on staging.reps(team_id);
create index on staging.activities(rep_id, occurred_at);
create index on staging.activities(occurred_at);
create index on staging.leads(qualified_at);
create index on staging.leads(converted_at);
create index on staging.opportunities(won_at);
create index on staging.opportunities(customer_id);
create index on staging.surveys(answered_at);
create index on staging.invoices(issued_on);
create index on staging.invoices(due_on);
create index on staging.payments(invoice_id);

-- One row per sync run; the job result and the managers' summary read the counts from here.
create table staging.sync_run(
  id bigserial primary key,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  rows_read bigint not null default 0,
  rows_upserted bigint not null default 0,
  rows_quarantined bigint not null default 0);

-- Bad source rows are kept, never dropped silently (SPEC §3.1).
create table staging.quarantine(
  id bigserial primary key,
  sync_run_id bigint not null references staging.sync_run(id),
  source text not null,
  source_key text,
  reason text not null,
  raw jsonb not null,
  quarantined_at timestamptz not null default now());
create index on staging.quarantine(sync_run_id);

-- Incremental pull: the highest updated_at taken from each source table.
create table staging.watermark(
  source text primary key,
  high_water timestamptz not null,
  synced_at timestamptz not null default now());
