-- The staged source tables keep a tenth of each page free, so that a row the hourly pull changes without touching an
-- indexed column (a day's edits: a visit's notes or progress, a later updated_at) is updated in place on its own
-- page (a heap-only tuple), instead of as a new row version on another page with a new entry in every index of the table.
-- Takes effect for the pages written from now on: a first pull, or rows inserted later. Existing pages gain the room only
-- when rewritten (VACUUM FULL of a table, at a quiet hour, does it at once; docs/files.md).
alter table staging.customers set (fillfactor = 90);
alter table staging.leads set (fillfactor = 90);
alter table staging.activities set (fillfactor = 90);
alter table staging.opportunities set (fillfactor = 90);
alter table staging.surveys set (fillfactor = 90);
alter table staging.invoices set (fillfactor = 90);
alter table staging.payments set (fillfactor = 90);
