using System.ComponentModel;
using System.Globalization;
using Dapper;
using Hangfire;
using Microsoft.Extensions.Options;
using MimeKit;
using SalesReporting.Data;
using SalesReporting.Data.Actions;
using SalesReporting.Reports.Delivery;
using SalesReporting.Worker.Api;
using SalesReporting.Worker.Workspace;

namespace SalesReporting.Worker.Jobs;

/// <summary>
/// A rep's dispute of a figure reaches the team's manager by email: a Hangfire job per dispute (queued by the workspace
/// once the dispute is saved) that sends through the delivery ledger, kind <c>dispute</c>, subject the response id. A
/// transient SMTP failure throws after the ledger's own attempts, so Hangfire retries the job; the ledger row makes the
/// retry, a rerun or a second worker send nothing twice.
/// </summary>
public sealed class DisputeMail(Databases db, DeliveryLedger ledger, IOptions<MailOptions> mail, IOptions<AcknowledgementOptions> ack)
{
    public const string Kind = "dispute";

    private sealed record DisputeRow(DateOnly Period, string RepId, string RepName, string? ManagerName, string? ManagerEmail, string Locale,
        string? Indicator, string? IndicatorName, string Body);

    /// <summary>Queues the mail of a saved dispute.</summary>
    public static string Enqueue(IBackgroundJobClient jobs, long responseId) =>
        jobs.Enqueue<DisputeMail>(j => j.SendAsync(responseId, CancellationToken.None));

    [DisplayName("dispute-mail {0}")]
    [AutomaticRetry(Attempts = 10)]
    public async Task<string> SendAsync(long responseId, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        // The rep's team and its manager as the CRM says now (a manager changed since the dispute gets it).
        var d = await conn.QuerySingleOrDefaultAsync<DisputeRow>(new CommandDefinition($"""
            select x.period, x.rep_id, r.name as rep_name, t.manager_name, t.manager_email, {TeamLocale.Sql} as locale,
                   x.indicator, case {TeamLocale.Sql} when 'zh-TW' then i.name_zh_tw when 'en' then i.name_en else i.name_zh_cn end as indicator_name,
                   x.body
            from reporting.rep_response x
            join staging.reps r on r.rep_id = x.rep_id
            join staging.teams t on t.team_id = r.team_id
            left join reporting.indicator i on i.code = x.indicator
            where x.id = @responseId and x.kind = 'dispute'
            """, new { responseId }, cancellationToken: ct));
        if (d is null) return $"no dispute {responseId}";
        if (string.IsNullOrWhiteSpace(d.ManagerEmail) || !ActionRules.IsEmail(d.ManagerEmail)) return $"dispute {responseId}: the team has no manager address";

        var period = Period.FromDate(d.Period);
        var t = WorkspaceText.For(d.Locale);
        var url = $"{ack.Value.PublicBaseUrl?.TrimEnd('/')}/app/reps/{Uri.EscapeDataString(d.RepId)}/{period}#conversation";
        var key = new DeliveryKey(Kind, period, responseId.ToString(CultureInfo.InvariantCulture), d.ManagerEmail);
        var (outcome, error) = await ledger.DeliverAsync(key, _ =>
        {
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse(mail.Value.From));
            message.To.Add(new MailboxAddress(d.ManagerName ?? d.ManagerEmail, d.ManagerEmail));
            message.Subject = t.DisputeMailSubject(d.RepName, period.ToString());
            message.Headers.Add("Auto-Submitted", "auto-generated");
            message.Body = new TextPart("plain") { Text = $"{t.KindDispute}: {d.IndicatorName ?? d.Indicator}\n{t.DisputeWhy}: {d.Body}\n\n{url}\n" };
            return message;
        }, false, ct);
        return $"dispute {responseId} to {d.ManagerEmail}: {outcome}{(error is null ? "" : " — " + error)}";
    }
}
