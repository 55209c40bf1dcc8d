using Dapper;
using Npgsql;

namespace SalesReporting.Data.Actions;

/// <summary>An open action with what a reminder about it needs: the owner, the rep, the team's manager and locale.</summary>
public sealed record ActionToRemind(long Id, string RepId, string RepName, string Problem, string Action, string OwnerName, string? OwnerEmail,
    DateOnly DueOn, DateOnly? CheckpointOn, string Status, string? ManagerName, string? ManagerEmail, string Locale, DateOnly Period);

/// <summary>A rep in the lowest tier of a month with no open improvement action, and the manager to remind.</summary>
public sealed record RepWithoutAction(string RepId, string RepName, decimal? Score, string? ManagerName, string? ManagerEmail, string Locale);

/// <summary>
/// What the follow-up reminders read of the improvement actions (docs/jobs.md, follow-up): the actions at their
/// checkpoint or due, one action, and the reps who need improvement without an open action. The messages
/// themselves are written by the worker's reminders; the verdict is <see cref="ActionEffectiveness"/>.
/// </summary>
public static class ActionReminders
{
    private const string Select = $"""
        select a.id, a.rep_id, coalesce(r.name, a.rep_id) as rep_name, a.problem, a.action, a.owner_name, a.owner_email,
               a.due_on, a.checkpoint_on, a.status, t.manager_name, t.manager_email,
               {TeamLocale.Sql} as locale, a.period
        from reporting.improvement_action a
        left join staging.reps r on r.rep_id = a.rep_id
        left join staging.teams t on t.team_id = r.team_id
        """;

    /// <summary>Open actions whose checkpoint is the day or whose due date is the day or before it, by id.</summary>
    public static async Task<IReadOnlyList<ActionToRemind>> DueAsync(NpgsqlDataSource reporting, DateOnly day, CancellationToken ct)
    {
        await using var conn = await reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<ActionToRemind>(new CommandDefinition(Select + "\n" + """
            where a.status = 'open' and (a.checkpoint_on = @day or a.due_on <= @day)
            order by a.id
            """, new { day }, cancellationToken: ct))).AsList();
    }

    /// <summary>One action, whatever its status; null when it no longer exists.</summary>
    public static async Task<ActionToRemind?> ByIdAsync(NpgsqlDataSource reporting, long actionId, CancellationToken ct)
    {
        await using var conn = await reporting.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<ActionToRemind>(new CommandDefinition(Select + " where a.id = @actionId",
            new { actionId }, cancellationToken: ct));
    }

    /// <summary>Active reps of a team with a manager's address, in the "needs improvement" tier of the month, with no
    /// open action of any period, by rep id.</summary>
    public static async Task<IReadOnlyList<RepWithoutAction>> NeedingImprovementWithoutActionAsync(NpgsqlDataSource reporting, Period period, CancellationToken ct)
    {
        await using var conn = await reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<RepWithoutAction>(new CommandDefinition($"""
            select s.rep_id, r.name as rep_name, s.score, t.manager_name, t.manager_email,
                   {TeamLocale.Sql} as locale
            from reporting.rep_score s
            join staging.reps r on r.rep_id = s.rep_id and r.active
            join staging.teams t on t.team_id = r.team_id
            where s.period = @period and s.tier = 'improve' and t.manager_email is not null
              and not exists (select 1 from reporting.improvement_action a where a.rep_id = s.rep_id and a.status = 'open')
            order by s.rep_id
            """, new { period = period.Start }, cancellationToken: ct))).AsList();
    }
}
