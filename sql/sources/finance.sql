-- The finance system as SalesReporting expects to read it (docs/files.md). Demo and tests only.
create schema if not exists finance;
drop table if exists finance.invoices, finance.payments;
create table finance.invoices(invoice_id text primary key, customer_id text, rep_id text, opportunity_id text null,
  issued_on date, due_on date, amount numeric(14,2), cost_amount numeric(14,2), status text,
  updated_at timestamptz not null default now());
create table finance.payments(payment_id text primary key, invoice_id text, received_on date, amount numeric(14,2),
  updated_at timestamptz not null default now());
