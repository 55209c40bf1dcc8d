using System.ComponentModel;
using Hangfire;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Reports.Delivery;
using SalesReporting.Reports.Forms;
using SalesReporting.Reports.Rendering;
using SalesReporting.Reports.Summary;

namespace SalesReporting.Worker.Jobs;

public sealed record RepDelivery(string RepId, string RepName, DeliveryOutcome Outcome, string? PdfPath, string? Error,
    IReadOnlyList<Reports.Forms.IndicatorLine> Indicators, decimal? Score);

/// <param name="Outcome">null when the team has no manager email: nothing could be sent (see Error)</param>
public sealed record SummaryDelivery(string TeamId, string TeamName, DeliveryOutcome? Outcome, string? PdfPath, string? Error);

/// <summary>What one team's step sent: its reps' forms, in the order asked, and the manager's summary.</summary>
public sealed record TeamDelivery(IReadOnlyList<RepDelivery> Forms, SummaryDelivery Summary);

/// <summary>
/// render-and-deliver: build forms, print them, email each once. A team's forms print in batches
/// (IPdfRenderer.RenderManyAsync) and the manager's team summary follows once every rep of the team is
/// done.
/// </summary>
public sealed class RenderAndDeliverJob(FormQuery forms, FormHtml html, IPdfRenderer pdf, DeliveryLedger ledger,
    SummaryQuery summaries, SummaryHtml summaryHtml, Api.AcknowledgementLinks links,
    IOptions<MailOptions> mail, IOptions<FormsOptions> formsOptions, ReleaseAfterReview review, ILogger<RenderAndDeliverJob> logger)
{
    /// <summary>Hangfire's retries of a team job, at fixed delays (15 s, 30 s, 1, 2, 3, 5, 10, 20, 30 min, then hourly): a
    /// team whose mail server (or database) is down keeps trying for about four hours (15,105 s), soon at first, before the job fails
    /// for good. Hangfire's default delays are random and, at the 5 attempts before, could give up after seven minutes.</summary>
    public const int RetryAttempts = 12;

    /// <summary>Every active rep of one team in batches, then the team summary to the manager. Reentrant:
    /// a retry after a crash prints and sends only what the ledger does not have as sent.</summary>
    [DisplayName("render-and-deliver-team {0} {1}")]
    [AutomaticRetry(Attempts = RetryAttempts, DelaysInSeconds = [15, 30, 60, 120, 180, 300, 600, 1200, 1800, 3600, 3600, 3600])]
    [Queue("forms")]
    public async Task<string> RunTeamAsync(string period, string teamId, CancellationToken ct)
    {
        var p = Period.Parse(period);
        var reps = await forms.ActiveRepsAsync(teamId, ct);
        var (delivered, summary) = await DeliverTeamAsync(p, teamId, reps, null, ct);
        var failed = delivered.Where(d => d.Outcome == DeliveryOutcome.Failed).Select(d => $"{d.RepId} ({d.Error})").ToList();
        return $"{teamId}: {delivered.Count(d => d.Outcome == DeliveryOutcome.Sent)} sent, " +
               $"{delivered.Count(d => d.Outcome == DeliveryOutcome.AlreadySent)} already sent, {failed.Count} failed permanently" +
               (failed.Count > 0 ? ": " + string.Join(", ", failed) : "") +
               $"; summary: {summary.Outcome?.ToString() ?? "not sent"}{(summary.Error is null ? "" : " (" + summary.Error + ")")}";
    }

    /// <summary>
    /// The signature team jobs were queued with before their <c>force</c> argument, always false, was dropped.
    /// Hangfire finds a stored job's method by name and parameter types, so jobs already in its storage (queued,
    /// scheduled for a retry, or requeued from the dashboard later) still load and run, as the plain run they always were.
    /// </summary>
    [DisplayName("render-and-deliver-team {0} {1}")]
    [AutomaticRetry(Attempts = RetryAttempts, DelaysInSeconds = [15, 30, 60, 120, 180, 300, 600, 1200, 1800, 3600, 3600, 3600])]
    [Queue("forms")]
    public Task<string> RunTeamAsync(string period, string teamId, bool force, CancellationToken ct) => RunTeamAsync(period, teamId, ct);

    /// <summary>One team's step of month-end, the same under the scheduler and in-process: the forms of these
    /// active reps of the team (<see cref="ExecuteManyAsync"/>), then the team summary.</summary>
    public async Task<TeamDelivery> DeliverTeamAsync(Period period, string teamId, IReadOnlyList<FormQuery.Recipient> reps,
        Action<RepDelivery>? done, CancellationToken ct)
    {
        // A team that reviews first: its forms wait for the manager's release; the summary goes to the manager as always.
        if (await review.HoldAsync(period, teamId, ct))
        {
            logger.LogInformation("{Period} team {Team}: forms held for the manager's review", period, teamId);
            var held = reps.Select(r => new RepDelivery(r.RepId, r.Name, DeliveryOutcome.Held, null, null, [], null)).ToList();
            foreach (var h in held) done?.Invoke(h);
            return new TeamDelivery(held, await DeliverSummaryAsync(period, teamId, ct));
        }
        // The team's forms read once: printed and sent, then the sheets of the summary's workbook.
        var teamForms = reps.Count == 0 ? [] : await forms.LoadAsync(period, reps.Select(r => r.RepId).ToList(), ct);
        var delivered = await ExecuteManyAsync(period, reps, done, teamForms, ct);
        return new TeamDelivery(delivered, await DeliverSummaryAsync(period, teamId, teamForms, ct));
    }

    /// <summary>
    /// Forms of these active reps (FormQuery.ActiveRepsAsync, which the caller has read): the ones not yet
    /// sent are printed together (the renderer batches them) a chunk at a time and then delivered one by one
    /// through the ledger, exactly once each. A rep whose form cannot be built, or any form that fails to
    /// print, fails the call (the job retries); a permanent mail failure is recorded for that rep and the
    /// others go on.
    /// </summary>
    public Task<IReadOnlyList<RepDelivery>> ExecuteManyAsync(Period period, IReadOnlyList<FormQuery.Recipient> recipients,
        Action<RepDelivery>? done, CancellationToken ct) => ExecuteManyAsync(period, recipients, done, null, ct);

    /// <param name="loaded">these recipients' forms when the caller has read them already; null, they are read here</param>
    private async Task<IReadOnlyList<RepDelivery>> ExecuteManyAsync(Period period, IReadOnlyList<FormQuery.Recipient> recipients,
        Action<RepDelivery>? done, IReadOnlyList<FeedbackForm>? loaded, CancellationToken ct)
    {
        if (recipients.Count == 0) return [];
        var repIds = recipients.Select(r => r.RepId).ToList();
        var found = (loaded ?? await forms.LoadAsync(period, repIds, ct)).ToDictionary(f => f.Rep.RepId, StringComparer.Ordinal);
        var active = recipients.ToDictionary(r => r.RepId, StringComparer.Ordinal);
        foreach (var repId in repIds)
            if (!found.ContainsKey(repId)) throw new InvalidOperationException($"Rep {repId} is not in the staged CRM data; cannot build the {period} form.");

        var dir = formsOptions.Value.OutputDirectory;
        string? PdfPath(FeedbackForm form) => string.IsNullOrWhiteSpace(dir) ? null : FileNames.Within(dir, FormEmail.AttachmentName(form));
        var sent = await ledger.SentAsync("rep_form", period, repIds.Select(id => (id, active[id].Email)).ToList(), ct);

        var results = new List<RepDelivery>();
        var pending = new List<FeedbackForm>();
        foreach (var repId in repIds)
        {
            var form = found[repId];
            var path = PdfPath(form);
            if (sent.Contains(repId) && (path is null || File.Exists(path)))
            {
                var skipped = new RepDelivery(repId, form.Rep.RepName, DeliveryOutcome.AlreadySent, path, null, form.Indicators, form.Score.Score);
                results.Add(skipped);
                done?.Invoke(skipped);
            }
            else
            {
                pending.Add(form);
            }
        }

        var unprinted = new List<string>();
        foreach (var chunk in pending.Chunk(formsOptions.Value.DeliveryChunk))
        {
            var documents = new List<string>(chunk.Length);
            foreach (var form in chunk) documents.Add(await html.RenderAsync(form));
            var pdfs = await PrintAsync(documents, chunk, unprinted, ct);
            var printed = chunk.Zip(pdfs).Where(p => p.Second is not null).Select(p => (Form: p.First, Pdf: p.Second!)).ToList();
            await DeliverFormsAsync(period, printed, active, PdfPath, results, done, ct);
        }
        // The others are out; the job fails for these, and its retry prints and sends only them.
        if (unprinted.Count > 0)
            throw new InvalidOperationException($"{unprinted.Count} {period} form(s) could not be printed; the others were delivered: {string.Join("; ", unprinted)}");
        var order = repIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i, StringComparer.Ordinal);
        return results.OrderBy(r => order[r.RepId]).ToList();
    }

    /// <summary>The chunk printed together; if that fails, form by form, so one form that cannot be printed
    /// costs only itself (null, and its rep and error in <paramref name="unprinted"/>), never a half PDF.</summary>
    private async Task<byte[]?[]> PrintAsync(List<string> documents, FeedbackForm[] chunk, List<string> unprinted, CancellationToken ct)
    {
        try
        {
            return [.. await pdf.RenderManyAsync(documents, ct)];
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && documents.Count > 1)
        {
            logger.LogWarning("A batch of {Count} forms failed to print ({Error}); printing them one by one", documents.Count, ex.Message);
        }
        var pdfs = new byte[]?[documents.Count];
        for (var i = 0; i < documents.Count; i++)
        {
            try
            {
                pdfs[i] = await pdf.RenderAsync(documents[i], ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                logger.LogError("The form of {Rep} could not be printed: {Error}", chunk[i].Rep.RepId, ex.Message);
                unprinted.Add($"{chunk[i].Rep.RepId}: {ex.Message}");
            }
        }
        return pdfs;
    }

    /// <summary>Printed forms to their reps through the ledger, pipelined (<see cref="DeliveryLedger.DeliverManyAsync"/>),
    /// each PDF written to the output folder first; each outcome added to <paramref name="results"/> and told to
    /// <paramref name="done"/> as it comes.</summary>
    private async Task DeliverFormsAsync(Period period, List<(FeedbackForm Form, byte[] Pdf)> printed,
        Dictionary<string, FormQuery.Recipient> active, Func<FeedbackForm, string?> pdfPath, List<RepDelivery> results,
        Action<RepDelivery>? done, CancellationToken ct)
    {
        var outgoing = new List<DeliveryLedger.Outgoing>(printed.Count);
        foreach (var (form, bytes) in printed)
        {
            var recipient = active[form.Rep.RepId];
            // A rep receives only their own form: the recipient and the form come from the same rep id.
            if (form.Rep.RepId != recipient.RepId) throw new InvalidOperationException("Form and recipient differ; refusing to send.");
            await KeepAsync(pdfPath(form), bytes, ct);
            outgoing.Add(new DeliveryLedger.Outgoing(new DeliveryKey("rep_form", period, recipient.RepId, recipient.Email),
                _ => FormEmail.Compose(form, mail.Value.From, recipient.Name, recipient.Email, bytes, links.UrlFor(period, recipient.RepId),
                    links.WorkspaceUrl($"/app/reps/{Uri.EscapeDataString(recipient.RepId)}/{period}")), bytes));
        }
        await ledger.DeliverManyAsync(outgoing, (i, outcome, error) =>
        {
            var form = printed[i].Form;
            logger.LogInformation("{Period} {Rep}: {Outcome}", period, form.Rep.RepId, outcome);
            var r = new RepDelivery(form.Rep.RepId, form.Rep.RepName, outcome, pdfPath(form), error, form.Indicators, form.Score.Score);
            lock (results) results.Add(r);
            done?.Invoke(r);
        }, ct);
    }

    /// <summary>The team summary to the team's manager, once (ledger kind team_summary, subject = team id).</summary>
    public Task<SummaryDelivery> DeliverSummaryAsync(Period period, string teamId, CancellationToken ct) =>
        DeliverSummaryAsync(period, teamId, null, ct);

    /// <param name="printed">the team's forms as this job printed them, when it did: the workbook's sheets are those forms;
    /// when a rep of the summary is not among them (the forms were held for review, say), the forms are read again</param>
    private async Task<SummaryDelivery> DeliverSummaryAsync(Period period, string teamId, IReadOnlyList<FeedbackForm>? printed,
        CancellationToken ct)
    {
        var team = await summaries.TeamAsync(teamId, ct)
            ?? throw new InvalidOperationException($"Team {teamId} has no active reps in the staged CRM data; no {period} summary.");
        if (string.IsNullOrWhiteSpace(team.ManagerEmail))
        {
            logger.LogWarning("{Period} team {Team}: no manager_email in the CRM, the team summary is not sent", period, teamId);
            return new SummaryDelivery(teamId, team.TeamName, null, null, $"team {teamId} has no manager_email in the CRM");
        }

        var key = new DeliveryKey("team_summary", period, teamId, team.ManagerEmail);
        var dir = formsOptions.Value.OutputDirectory;
        var pdfPath = string.IsNullOrWhiteSpace(dir) ? null : FileNames.Within(dir, TeamSummary.FileName(period, teamId));
        if (await ledger.IsSentAsync(key, ct) && (pdfPath is null || File.Exists(pdfPath)))
            return new SummaryDelivery(teamId, team.TeamName, DeliveryOutcome.AlreadySent, pdfPath, null);

        var summary = await summaries.LoadAsync(period, teamId, ct);
        var bytes = await pdf.RenderAsync(await summaryHtml.RenderAsync(summary), ct);
        await KeepAsync(pdfPath, bytes, ct);
        // The team workbook: the summary's rows and every rep's form as sheets, attached beside the PDF.
        var repIds = summary.Reps.Select(r => r.RepId).ToHashSet(StringComparer.Ordinal);
        var sheets = printed is not null && repIds.IsSubsetOf(printed.Select(f => f.Rep.RepId))
            ? printed.Where(f => repIds.Contains(f.Rep.RepId)).ToList()
            : await forms.LoadAsync(period, repIds, ct);
        var workbook = TeamWorkbook.Build(summary, sheets);
        var (outcome, error) = await ledger.DeliverAsync(key,
            _ => SummaryEmail.Compose(summary, mail.Value.From, team.ManagerName ?? team.ManagerEmail, team.ManagerEmail, bytes, workbook,
                links.WorkspaceUrl($"/app/teams/{Uri.EscapeDataString(teamId)}/{period}")), force: false, bytes, ct);
        logger.LogInformation("{Period} team {Team} summary: {Outcome}", period, teamId, outcome);
        return new SummaryDelivery(teamId, team.TeamName, outcome, pdfPath, error);
    }

    /// <summary>Keeps a printed document at its path (nothing when null), written whole: a reader never sees half a PDF.</summary>
    internal static async Task KeepAsync(string? path, byte[] bytes, CancellationToken ct)
    {
        if (path is null) return;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path + ".tmp", bytes, ct);
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
