using System.ComponentModel;
using Dapper;
using Hangfire;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Sources;
using SalesReporting.Reports.Delivery;
using SalesReporting.Reports.Rendering;
using SalesReporting.Reports.Rollups;
using SalesReporting.Worker.Api;

namespace SalesReporting.Worker.Jobs;

public sealed record PeriodEndSent(string TeamId, string SubjectId, string Kind, DeliveryOutcome? Outcome, string? Error);

public sealed record PeriodEndResult(RollupPeriod Period, IReadOnlyList<Period> Computed, IReadOnlyList<PeriodEndSent> Sent)
{
    public int Count(string kindSuffix, DeliveryOutcome outcome) => Sent.Count(s => s.Kind.EndsWith(kindSuffix, StringComparison.Ordinal) && s.Outcome == outcome);

    public override string ToString() =>
        $"{Period}: " + (Computed.Count == 0 ? "" : $"computed {string.Join(", ", Computed)}; ") +
        $"forms {Count("_form", DeliveryOutcome.Sent)} sent, {Count("_form", DeliveryOutcome.AlreadySent)} already sent, {Count("_form", DeliveryOutcome.Failed)} failed; " +
        $"summaries {Count("_summary", DeliveryOutcome.Sent)} sent, {Count("_summary", DeliveryOutcome.AlreadySent)} already sent, " +
        $"{Sent.Count(s => s.Kind.EndsWith("_summary", StringComparison.Ordinal) && s.Outcome is null or DeliveryOutcome.Failed)} not sent";
}

/// <summary>
/// The quarter's and the year's close (docs/jobs.md, "Quarter and year"): sync, compute any month of the period never
/// computed, then every team's reviews — a form per rep and a summary per manager from the roll-ups
/// (<see cref="PeriodReviewQuery"/>) — printed in batches and sent through the delivery ledger with kinds of their own
/// (quarter_form, quarter_summary, year_form, year_summary; period = the first month), so a rerun sends nothing twice.
/// </summary>
public sealed class PeriodEndJob(SourceSync sync, IndicatorCompute compute, PeriodReviewQuery reviews, PeriodHtml html, IPdfRenderer pdf,
    DeliveryLedger ledger, AcknowledgementLinks links, Databases db, IOptions<MailOptions> mail, IOptions<FormsOptions> forms,
    IOptions<CompanyOptions> company, TimeProvider clock, ILogger<PeriodEndJob> logger)
{
    /// <summary>The recurring entry point on the first day after a quarter: the quarter that just ended.</summary>
    [DisplayName("quarter-end-close (last quarter)")]
    [AutomaticRetry(Attempts = 3)]
    [DisableConcurrentExecution(timeoutInSeconds: 3600)]
    public Task<string> CloseLastQuarterAsync(CancellationToken ct) =>
        CloseAsync(RollupPeriod.QuarterBefore(Period.FromDate(company.Value.Today(clock))).ToString(), false, ct);

    /// <summary>The recurring entry point on the first day of a year: the year that just ended.</summary>
    [DisplayName("year-end-close (last year)")]
    [AutomaticRetry(Attempts = 3)]
    [DisableConcurrentExecution(timeoutInSeconds: 3600)]
    public Task<string> CloseLastYearAsync(CancellationToken ct) =>
        CloseAsync(new RollupPeriod(Period.FromDate(company.Value.Today(clock)).Add(-1).Year, null).ToString(), false, ct);

    /// <summary>Any quarter or year, from the dashboard or `month-end --period 2026-Q3 --enqueue`.</summary>
    [DisplayName("period-end-close {0}")]
    [AutomaticRetry(Attempts = 3)]
    public async Task<string> CloseAsync(string period, bool resend, CancellationToken ct) =>
        (await RunAsync(RollupPeriod.Parse(period), resend, null, null, ct)).ToString();

    public async Task<PeriodEndResult> RunAsync(RollupPeriod period, bool resend, string? teamId, string? repId, CancellationToken ct)
    {
        await sync.RunAsync(ct);
        var computed = await ComputeMissingMonthsAsync(period, ct);
        var formKind = PeriodEmail.FormKind(period);
        var summaryKind = PeriodEmail.SummaryKind(period);
        if (resend)
            await ledger.ReopenAsync(period.First, repId is not null ? [formKind] : [formKind, summaryKind],
                repId is not null ? [repId] : teamId is not null ? await SubjectsOfTeamAsync(teamId, ct) : null, ct);

        var teams = teamId is not null ? [teamId] : repId is not null ? await TeamOfAsync(repId, ct) : await reviews.TeamsAsync(ct);
        var sent = new List<PeriodEndSent>();
        foreach (var team in teams)
        {
            var review = await reviews.LoadTeamAsync(period, team, ct);
            if (review is null) continue;
            var reps = review.Reps.Where(r => repId is null || r.RepId == repId).ToList();
            sent.AddRange(await DeliverFormsAsync(period, formKind, team, reps, ct));
            if (repId is null) sent.Add(await DeliverSummaryAsync(period, summaryKind, review, ct));
        }
        var result = new PeriodEndResult(period, computed, sent);
        logger.LogInformation("Period end {Result}", result.ToString());
        return result;
    }

    /// <summary>The months of the period that have ended and were never computed (a month-end not run, or a catalog
    /// indicator added since): their indicators, which the roll-ups read. A month already closed is left as it was.</summary>
    private async Task<IReadOnlyList<Period>> ComputeMissingMonthsAsync(RollupPeriod period, CancellationToken ct)
    {
        var current = Period.FromDate(company.Value.Today(clock));
        var ended = period.EachMonth.Where(m => m.CompareTo(current) < 0).ToList();
        return (await compute.ComputeNeverComputedAsync(ended, ct)).Select(r => r.Period).ToList();
    }

    /// <summary>A team's resend: its reps' forms and its own summary.</summary>
    private async Task<IReadOnlyList<string>> SubjectsOfTeamAsync(string teamId, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return [.. await conn.QueryAsync<string>(new CommandDefinition(
            "select rep_id from staging.reps where team_id = @teamId", new { teamId }, cancellationToken: ct)), teamId];
    }

    private async Task<IReadOnlyList<string>> TeamOfAsync(string repId, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<string>(new CommandDefinition(
            "select team_id from staging.reps where rep_id = @repId and active", new { repId }, cancellationToken: ct))).ToList();
    }

    /// <summary>The reviews not yet sent, printed a chunk at a time and sent one by one through the ledger.</summary>
    private async Task<IReadOnlyList<PeriodEndSent>> DeliverFormsAsync(RollupPeriod period, string kind, string teamId, IReadOnlyList<PeriodRepReview> reps,
        CancellationToken ct)
    {
        var already = await ledger.SentAsync(kind, period.First, reps.Select(r => (r.RepId, r.Email)).ToList(), ct);
        var results = reps.Where(r => already.Contains(r.RepId)).Select(r => new PeriodEndSent(teamId, r.RepId, kind, DeliveryOutcome.AlreadySent, null)).ToList();
        foreach (var chunk in reps.Where(r => !already.Contains(r.RepId)).Chunk(forms.Value.DeliveryChunk))
        {
            var documents = new List<string>(chunk.Length);
            foreach (var r in chunk) documents.Add(await html.RenderAsync(r));
            var pdfs = await pdf.RenderManyAsync(documents, ct);
            for (var i = 0; i < chunk.Length; i++)
            {
                var r = chunk[i];
                await KeepAsync(PeriodEmail.AttachmentName(r), pdfs[i], ct);
                var url = links.WorkspaceUrl($"/app/reps/{Uri.EscapeDataString(r.RepId)}/{period.Last}");
                var (outcome, error) = await ledger.DeliverAsync(new DeliveryKey(kind, period.First, r.RepId, r.Email),
                    _ => PeriodEmail.ComposeForm(r, mail.Value.From, pdfs[i], url), force: false, pdfs[i], ct);
                results.Add(new PeriodEndSent(teamId, r.RepId, kind, outcome, error));
            }
        }
        return results;
    }

    private async Task<PeriodEndSent> DeliverSummaryAsync(RollupPeriod period, string kind, PeriodTeamReview team, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(team.ManagerEmail))
        {
            logger.LogWarning("{Period} team {Team}: no manager_email in the CRM, the summary is not sent", period, team.TeamId);
            return new PeriodEndSent(team.TeamId, team.TeamId, kind, null, $"team {team.TeamId} has no manager_email in the CRM");
        }
        var key = new DeliveryKey(kind, period.First, team.TeamId, team.ManagerEmail);
        if (await ledger.IsSentAsync(key, ct)) return new PeriodEndSent(team.TeamId, team.TeamId, kind, DeliveryOutcome.AlreadySent, null);
        var bytes = await pdf.RenderAsync(await html.RenderAsync(team), ct);
        await KeepAsync(PeriodEmail.SummaryAttachmentName(team), bytes, ct);
        var url = links.WorkspaceUrl($"/app/teams/{Uri.EscapeDataString(team.TeamId)}/{period.Last}");
        var (outcome, error) = await ledger.DeliverAsync(key, _ => PeriodEmail.ComposeSummary(team, mail.Value.From, bytes, url), force: false, bytes, ct);
        return new PeriodEndSent(team.TeamId, team.TeamId, kind, outcome, error);
    }

    private Task KeepAsync(string fileName, byte[] bytes, CancellationToken ct) =>
        RenderAndDeliverJob.KeepAsync(string.IsNullOrWhiteSpace(forms.Value.OutputDirectory) ? null : FileNames.Within(forms.Value.OutputDirectory, fileName), bytes, ct);
}
