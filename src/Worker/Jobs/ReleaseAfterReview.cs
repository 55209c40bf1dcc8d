using System.ComponentModel;
using Dapper;
using Hangfire;
using Microsoft.Extensions.Options;
using MimeKit;
using SalesReporting.Data;
using SalesReporting.Data.Teams;
using SalesReporting.Reports.Delivery;
using SalesReporting.Worker.Api;

namespace SalesReporting.Worker.Jobs;

public sealed record ReviewState(DateTime ReadyAt, DateTime ReleaseDueAt, DateTime? ReleasedAt, string? ReleasedBy);

/// <summary>
/// Release after review, a per-team setting (off by default; <see cref="TeamSettings"/>). When on, month-end holds the team's forms: the manager is
/// told once (ledger kind review_ready) that they are ready for review, and they go out when the manager presses Release
/// or, by themselves, release_after_days later (the release-after-review job) — through the same team job and ledger as
/// month-end, so still exactly once each.
/// </summary>
public sealed class ReleaseAfterReview(Databases db, DeliveryLedger ledger, IOptions<MailOptions> mail, IOptions<AcknowledgementOptions> ack,
    TimeProvider clock, IBackgroundJobClient? jobs = null)
{
    public async Task<ReviewState?> StateAsync(Period period, string teamId, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<ReviewState>(new CommandDefinition(
            "select ready_at, release_due_at, released_at, released_by from reporting.review_release where period = @period and team_id = @teamId",
            new { period = period.Start, teamId }, cancellationToken: ct));
    }

    /// <summary>Month-end's question for one team: hold its forms? Yes while the team reviews first and has not released
    /// this month; the first time, the month is recorded as ready and the manager is told (once, through the ledger).</summary>
    public async Task<bool> HoldAsync(Period period, string teamId, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        var state = await conn.QuerySingleOrDefaultAsync<(bool On, int Days, DateTime? ReleasedAt, bool Recorded)>(new CommandDefinition("""
            select coalesce(s.release_after_review, @defaultReleaseAfterReview), coalesce(s.release_after_days, @defaultReleaseAfterDays),
                   r.released_at, r.team_id is not null
            from (select @teamId::text as team_id) t
            left join reporting.team_setting s on s.team_id = t.team_id
            left join reporting.review_release r on r.team_id = t.team_id and r.period = @period
            """, TeamSettings.DefaultParameters(new { teamId, period = period.Start }), cancellationToken: ct));
        if (state.Recorded) return state.ReleasedAt is null;
        if (!state.On) return false;
        var now = clock.GetUtcNow().ToUniversalTime();
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into reporting.review_release(period, team_id, ready_at, release_due_at) values (@period, @teamId, @now, @due)
            on conflict (period, team_id) do nothing
            """, new { period = period.Start, teamId, now, due = now.AddDays(state.Days) }, cancellationToken: ct));
        await TellManagerAsync(period, teamId, now.AddDays(state.Days), ct);
        return true;
    }

    private async Task TellManagerAsync(Period period, string teamId, DateTimeOffset due, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        var team = await conn.QuerySingleOrDefaultAsync<(string Name, string? ManagerName, string? ManagerEmail, string Locale)>(new CommandDefinition($"""
            select t.name, t.manager_name, t.manager_email, {TeamLocale.Sql} from staging.teams t where t.team_id = @teamId
            """, new { teamId }, cancellationToken: ct));
        if (string.IsNullOrWhiteSpace(team.ManagerEmail) || !Data.Actions.ActionRules.IsEmail(team.ManagerEmail)) return;
        var t = Workspace.WorkspaceText.For(team.Locale);
        var url = $"{ack.Value.PublicBaseUrl?.TrimEnd('/')}/app/teams/{Uri.EscapeDataString(teamId)}/{period}";
        await ledger.DeliverAsync(new DeliveryKey("review_ready", period, teamId, team.ManagerEmail), _ =>
        {
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse(mail.Value.From));
            message.To.Add(new MailboxAddress(team.ManagerName ?? team.ManagerEmail, team.ManagerEmail));
            message.Subject = t.ReadyMailSubject(team.Name, period.ToString());
            message.Headers.Add("Auto-Submitted", "auto-generated");
            message.Body = new TextPart("plain") { Text = t.ReadyMailBody(due.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)) + "\n\n" + url + "\n" };
            return message;
        }, false, ct);
    }

    /// <summary>Releases the month's held forms of the team (the first release counts) and queues the team's job that sends
    /// them. False when there was nothing held.</summary>
    /// <param name="alsoInTransaction">more of the same unit when something was released (the workspace's change-log row)</param>
    public async Task<bool> ReleaseAsync(Period period, string teamId, string by, CancellationToken ct,
        Func<Npgsql.NpgsqlConnection, Npgsql.NpgsqlTransaction, Task>? alsoInTransaction = null)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var released = await conn.ExecuteAsync(new CommandDefinition("""
            update reporting.review_release set released_at = @now, released_by = @by
            where period = @period and team_id = @teamId and released_at is null
            """, new { period = period.Start, teamId, by, now = clock.GetUtcNow().ToUniversalTime() }, tx, cancellationToken: ct)) > 0;
        if (released && alsoInTransaction is not null) await alsoInTransaction(conn, tx);
        await tx.CommitAsync(ct);
        // Queued once the release is committed: the team job's hold check must find it released.
        if (released) Jobs().Enqueue<RenderAndDeliverJob>(j => j.RunTeamAsync(period.ToString(), teamId, CancellationToken.None));
        return released;
    }

    /// <summary>The recurring release-after-review job: every held month whose time is up goes out.</summary>
    [DisplayName("release-after-review")]
    [AutomaticRetry(Attempts = 3)]
    public async Task<string> ReleaseDueAsync(CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        var due = (await conn.QueryAsync<(DateOnly Period, string TeamId)>(new CommandDefinition(
            "select period, team_id from reporting.review_release where released_at is null and release_due_at <= @now order by period, team_id",
            new { now = clock.GetUtcNow().ToUniversalTime() }, cancellationToken: ct))).ToList();
        var released = new List<string>();
        foreach (var (period, teamId) in due)
            if (await ReleaseAsync(Period.FromDate(period), teamId, "auto", ct)) released.Add($"{Period.FromDate(period)} {teamId}");
        return released.Count == 0 ? "nothing due" : "released: " + string.Join(", ", released);
    }

    private IBackgroundJobClient Jobs() => jobs ?? throw new InvalidOperationException("No Hangfire client: releasing queues the team's job on the scheduler.");
}
