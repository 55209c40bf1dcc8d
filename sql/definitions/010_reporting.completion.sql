-- Completion, direction-aware: actual ÷ target for higher-is-better, target ÷ actual for
-- lower-is-better (negotiation cycle); no value without a target, with a zero target or with no actual.
-- One definition, for a month (indicator_result_of) and for quarter and year roll-ups alike.
create or replace function reporting.completion(actual numeric, target numeric, direction text) returns numeric
language sql immutable as $f$
select case when target is null or target = 0 or actual is null then null
            when direction = 'higher' then actual / target * 100
            when actual = 0 then null
            else target / actual * 100 end
$f$;
