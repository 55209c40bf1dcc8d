using System.Globalization;
using Dapper;
using Hangfire;
using Microsoft.Extensions.Options;
using Npgsql;
using SalesReporting.Data;
using SalesReporting.Data.Actions;
using SalesReporting.Reports.Reminders;

namespace SalesReporting.Worker.Jobs;

/// <summary>
/// follow-up(action): one Hangfire job at each action's checkpoint and due date, at the reminder time in
/// the company time zone. A changed date deletes the old job and schedules a new one; a done action
/// loses its jobs. The job re-checks the action when it runs, so a job that escaped deletion does nothing.
/// </summary>
public sealed class FollowUpScheduler(Databases db, IBackgroundJobClient jobs, IOptions<CompanyOptions> company,
    IOptions<FollowUpOptions> options, TimeProvider clock)
{
    public static readonly string[] Kinds = [ReminderKinds.Checkpoint, ReminderKinds.Due];

    /// <summary>The UTC instant of a local wall-clock time. A time skipped by a DST jump is read with the offset
    /// before the jump (02:30 on a spring-forward day becomes 03:30 daylight time); a repeated time takes its
    /// first occurrence, so a reminder is never late by the hour gained.</summary>
    public static DateTimeOffset InstantFor(DateOnly date, TimeOnly time, TimeZoneInfo tz)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (tz.IsInvalidTime(local)) offset = tz.GetUtcOffset(local.AddHours(-12));
        else if (tz.IsAmbiguousTime(local)) offset = tz.GetAmbiguousTimeOffsets(local).Max();
        else offset = tz.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    private sealed record Existing(long ActionId, string Kind, DateOnly ScheduledFor, string JobId);

    /// <returns>how many jobs were scheduled (new or moved).</returns>
    public async Task<int> ScheduleAsync(IReadOnlyList<ActionRecord> actions, CancellationToken ct)
    {
        if (actions.Count == 0) return 0;
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var (scheduled, afterCommit) = await ScheduleAsync(actions, conn, tx, ct);
        await tx.CommitAsync(ct);
        afterCommit();
        return scheduled;
    }

    /// <summary>
    /// Schedules in the caller's transaction, so the actions and their follow-ups are written together or not at all
    /// (<c>import actions</c>, the team upload). Every instant is worked out before any job is made; a job made before
    /// a rollback finds no action (or other dates) when it runs and does nothing. The old jobs are deleted only by
    /// <c>AfterCommit</c>, so a rollback leaves the jobs the rows name.
    /// </summary>
    public async Task<(int Scheduled, Action AfterCommit)> ScheduleAsync(IReadOnlyList<ActionRecord> actions, NpgsqlConnection conn,
        NpgsqlTransaction tx, CancellationToken ct)
    {
        if (actions.Count == 0) return (0, () => { });
        var tz = company.Value.ResolveTimeZone();
        var time = options.Value.ResolveReminderTime();
        var today = company.Value.Today(clock);
        var existing = (await conn.QueryAsync<Existing>(new CommandDefinition(
            "select action_id, kind, scheduled_for, job_id from reporting.follow_up_job where action_id = any(@ids)",
            new { ids = actions.Select(a => a.Id).ToArray() }, tx, cancellationToken: ct))).ToDictionary(e => (e.ActionId, e.Kind));

        var wantedJobs = new List<(long ActionId, string Kind, DateOnly Date, DateTimeOffset At)>();
        var removals = new List<(long ActionId, string Kind, string JobId)>();
        foreach (var action in actions)
        foreach (var kind in Kinds)
        {
            var date = kind == ReminderKinds.Checkpoint ? action.CheckpointOn : action.DueOn;
            existing.TryGetValue((action.Id, kind), out var old);
            // A date already past is the daily scan's to catch up (follow-up --date), not a job to fire now.
            var wanted = action.Status == "open" && date is { } d && d >= today ? date : null;
            if (old is not null && old.ScheduledFor == wanted) continue;
            if (old is not null) removals.Add((action.Id, kind, old.JobId));
            if (wanted is not { } when) continue;
            wantedJobs.Add((action.Id, kind, when, InstantFor(when, time, tz)));
        }

        var upserts = new List<(long ActionId, string Kind, DateOnly Date, string JobId)>();
        foreach (var (actionId, kind, when, at) in wantedJobs)
        {
            var id = jobs.Schedule<FollowUpJob>(j => j.RunAsync(actionId, kind, when.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), CancellationToken.None), at);
            upserts.Add((actionId, kind, when, id));
        }

        if (removals.Count > 0)
            await conn.ExecuteAsync(new CommandDefinition("""
                delete from reporting.follow_up_job f using unnest(@ids, @kinds) as r(action_id, kind)
                where f.action_id = r.action_id and f.kind = r.kind
                """, new { ids = removals.Select(r => r.ActionId).ToArray(), kinds = removals.Select(r => r.Kind).ToArray() }, tx, cancellationToken: ct));
        if (upserts.Count > 0)
            await conn.ExecuteAsync(new CommandDefinition("""
                insert into reporting.follow_up_job(action_id, kind, scheduled_for, job_id)
                select * from unnest(@ids, @kinds, @dates, @jobIds)
                on conflict (action_id, kind) do update set scheduled_for = excluded.scheduled_for, job_id = excluded.job_id
                """, new
            {
                ids = upserts.Select(u => u.ActionId).ToArray(),
                kinds = upserts.Select(u => u.Kind).ToArray(),
                dates = upserts.Select(u => u.Date).ToArray(),
                jobIds = upserts.Select(u => u.JobId).ToArray(),
            }, tx, cancellationToken: ct));
        return (upserts.Count, () => { foreach (var r in removals) jobs.Delete(r.JobId); });
    }
}
