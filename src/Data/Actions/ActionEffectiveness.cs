using Dapper;
using Npgsql;

namespace SalesReporting.Data.Actions;

/// <summary>
/// The effectiveness verdict of improvement actions (指標已改善 / 未改善), drawn by the daily follow-up scan.
/// </summary>
public static class ActionEffectiveness
{
    /// <summary>
    /// After the due date, once the month after it has closed: did the targeted indicator improve against the
    /// action's own period? On completion where both months have one, else on the actual in the indicator's
    /// direction. Months without data stay undecided and are looked at again by the next scan.
    /// </summary>
    /// <returns>How many actions got their verdict.</returns>
    public static async Task<int> JudgeAsync(NpgsqlDataSource reporting, DateOnly day, CancellationToken ct)
    {
        await using var conn = await reporting.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition("""
            with pending as (
                select a.id, a.rep_id, a.indicator, a.period as before_period,
                       (date_trunc('month', a.due_on) + interval '1 month')::date as after_period
                from reporting.improvement_action a
                where a.indicator is not null and a.effectiveness is null and a.due_on < @day),
            compared as (
                select p.id, i.direction,
                       case when b.completion is not null and f.completion is not null then 'completion' else 'actual' end as basis,
                       coalesce(case when b.completion is not null and f.completion is not null then b.completion end, b.actual) as before_value,
                       coalesce(case when b.completion is not null and f.completion is not null then f.completion end, f.actual) as after_value
                from pending p
                join reporting.indicator i on i.code = p.indicator
                join lateral reporting.indicator_result_of(p.before_period) b on b.rep_id = p.rep_id and b.indicator = p.indicator
                join lateral reporting.indicator_result_of(p.after_period) f on f.rep_id = p.rep_id and f.indicator = p.indicator
                where (p.after_period + interval '1 month')::date <= @day)
            update reporting.improvement_action a
            set effectiveness = case when c.basis = 'completion' or c.direction = 'higher'
                                     then case when c.after_value > c.before_value then 'improved' else 'not_improved' end
                                     else case when c.after_value < c.before_value then 'improved' else 'not_improved' end end,
                effectiveness_basis = c.basis, effectiveness_before = c.before_value, effectiveness_after = c.after_value,
                effectiveness_checked_on = @day
            from compared c
            where a.id = c.id and c.before_value is not null and c.after_value is not null
            """, new { day }, cancellationToken: ct));
    }
}
