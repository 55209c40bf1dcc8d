-- Every month's figures, for reading by hand: indicator_result_of month by month, from the first to the
-- last value stored, so a filter on a rep or a month reaches the key in each. The code reads the function.
create or replace view reporting.indicator_result as
select r.*
from generate_series((select min(period) from reporting.indicator_value), (select max(period) from reporting.indicator_value),
                     interval '1 month') m(month)
cross join lateral reporting.indicator_result_of(m.month::date) r;
