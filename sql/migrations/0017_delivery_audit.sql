-- The delivery audit: what exactly each recipient received, and when.
-- The PDF bytes that were sent are kept once per content (SHA-256), so "what did this rep receive for October"
-- has an answer after later corrections of the data; the ledger row points at them.
create table reporting.sent_document(
  sha256 text primary key check (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea not null,
  size_bytes int not null,
  first_sent_at timestamptz not null default now());
-- PDFs are compressed already: store them as they are, without a compression attempt.
alter table reporting.sent_document alter column content set storage external;

alter table reporting.delivery
  add column document_sha256 text references reporting.sent_document(sha256),
  add column last_response text,
  add column last_attempt_at timestamptz;

-- Every send of a ledger row, the first and each forced resend: the row itself shows only the last one.
create table reporting.delivery_send(
  id bigserial primary key,
  delivery_id bigint not null references reporting.delivery(id) on delete cascade,
  sent_at timestamptz not null default now(),
  message_id text not null,
  document_sha256 text references reporting.sent_document(sha256),
  response text);
create index delivery_send_delivery on reporting.delivery_send(delivery_id);
create index delivery_period_status on reporting.delivery(period, status);
