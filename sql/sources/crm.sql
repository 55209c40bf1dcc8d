-- The CRM as SalesReporting expects to read it (docs/files.md). Used to build the demo and test
-- source systems; a real CRM keeps its own tables and points sql/extract/*.sql at them.
create schema if not exists crm;
drop table if exists crm.teams, crm.reps, crm.customers, crm.leads, crm.activities, crm.opportunities, crm.surveys;
create table crm.teams(team_id text primary key, name text, region text, manager_name text, manager_email text, locale text null,
  updated_at timestamptz not null default now());
create table crm.reps(rep_id text primary key, team_id text, name text, email text, hire_date date, active bool,
  updated_at timestamptz not null default now());
create table crm.customers(customer_id text primary key, name text, industry text, segment text, owner_rep_id text,
  contract_end_date date null, updated_at timestamptz not null default now());
create table crm.leads(lead_id text primary key, rep_id text, customer_id text null, created_at timestamptz,
  qualified_at timestamptz null, converted_at timestamptz null, updated_at timestamptz not null default now());
create table crm.activities(activity_id text primary key, rep_id text, customer_id text, kind text, occurred_at timestamptz,
  duration_minutes int null, with_decision_maker bool, need_identified bool, subject text, progress text null,
  support_needed text null, updated_at timestamptz not null default now());
create table crm.opportunities(opportunity_id text primary key, rep_id text, customer_id text, amount numeric(14,2), stage text,
  proposal_at timestamptz null, won_at timestamptz null, is_renewal bool, updated_at timestamptz not null default now());
create table crm.surveys(survey_id text primary key, customer_id text, rep_id text, score int, answered_at timestamptz,
  updated_at timestamptz not null default now());
