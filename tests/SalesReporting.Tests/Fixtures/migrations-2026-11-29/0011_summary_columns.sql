-- The indicators shown as columns of the manager's summary, in this order; null = not a column.
-- A custom catalog indicator becomes a column by setting it: no code.
alter table reporting.indicator add column summary_order int;
update reporting.indicator set summary_order = case code
  when 'revenue' then 10 when 'collection_rate' then 20 when 'new_customers' then 30
  when 'visits' then 40 when 'lead_conversion' then 50 when 'proposals' then 60 end;
