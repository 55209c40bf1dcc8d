using System.Globalization;
using System.Net;
using MimeKit;
using SalesReporting.Reports.Forms;

namespace SalesReporting.Reports.Summary;

/// <summary>The month-end email to a team's manager: subject and body in the team's locale, the key figures
/// and what needs attention in the body, the summary PDF attached, and the team workbook (.xlsx) when given.</summary>
public static class SummaryEmail
{
    public static string AttachmentName(TeamSummary summary) => TeamSummary.FileName(summary.Period, summary.TeamId);

    public static MimeMessage Compose(TeamSummary summary, string from, string toName, string toEmail, byte[] pdf, byte[]? workbook = null)
    {
        var l = FormText.For(summary.Locale);
        var s = SummaryText.For(summary.Locale);
        var m = SummaryEmailText.For(summary.Locale);
        string F(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
        string E(string text) => WebUtility.HtmlEncode(text);
        var period = l.FormatPeriod(summary.Period);

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(new MailboxAddress(toName, toEmail));
        message.Subject = F(m.Subject, period, summary.TeamName);

        var average = summary.AverageScore is { } avg ? Format.Score(avg) : l.NoValue;
        var tiers = $"{l.TierHigh} {summary.TierCount("high")} · {l.TierOnTrack} {summary.TierCount("on_track")} · {l.TierImprove} {summary.TierCount("improve")}";
        var acknowledged = $"{summary.AcknowledgedCount} / {summary.Reps.Count}";
        var attention = SummaryText.FindingKinds
            .Select(k => (Title: s.FindingTitle(k), Count: summary.Findings.Count(f => f.Kind == k)))
            .Prepend((Title: s.SectionOverdue, Count: summary.OverdueActions.Count))
            .Where(x => x.Count > 0).ToList();
        var quality = F(s.QuarantinedRowsNote, summary.QuarantinedRows);

        var header = string.Concat(summary.KeyIndicators.Select(i => $"<th>{E(i.Name)}</th>"));
        var rows = summary.Reps.Select(r =>
            $"<tr><td style=\"text-align:right\">{r.Rank?.ToString(CultureInfo.InvariantCulture) ?? l.NoValue}</td><td>{E(r.RepName)}</td>" +
            string.Concat(r.Completions.Select(c => $"<td style=\"text-align:right\">{Format.Completion(c)}</td>")) +
            $"<td style=\"text-align:right\">{(r.Score is { } sc ? Format.Score(sc) : l.NoValue)}</td><td>{E(l.TierName(r.Tier) ?? "")}</td></tr>");
        var html = $"""
            <!DOCTYPE html><html><body style="font-family:sans-serif">
            <p>{E(F(m.Greeting, summary.ManagerName))}</p>
            <p>{E(F(m.Intro, period, summary.TeamName))}</p>
            <p>{E(s.RepCount)}: <b>{summary.Reps.Count}</b> · {E(s.AverageScore)}: <b>{average}</b> · {E(s.TierCounts)}: {E(tiers)} · {E(s.Acknowledgements)}: {acknowledged}</p>
            <table border="1" cellpadding="4" style="border-collapse:collapse">
            <tr><th>{E(s.ColRank)}</th><th>{E(s.ColRep)}</th>{header}<th>{E(l.Score)}</th><th>{E(l.Tier)}</th></tr>
            {string.Join("\n", rows)}
            </table>
            {(attention.Count == 0 ? "" : $"<p>{E(m.Findings)}:</p><ul>{string.Concat(attention.Select(a => $"<li>{E(a.Title)}: {a.Count}</li>"))}</ul>")}
            <p>{E(s.QuarantinedRows)}: {E(quality)}</p>
            </body></html>
            """;
        var text = F(m.Greeting, summary.ManagerName) + "\n\n" + F(m.Intro, period, summary.TeamName) + "\n" +
                   $"{s.RepCount}: {summary.Reps.Count}; {s.AverageScore}: {average}; {s.TierCounts}: {tiers}; {s.Acknowledgements}: {acknowledged}\n" +
                   string.Join("\n", summary.Reps.Select(r => $"{r.Rank?.ToString(CultureInfo.InvariantCulture) ?? l.NoValue}. {r.RepName}: {(r.Score is { } sc ? Format.Score(sc) : l.NoValue)} {l.TierName(r.Tier)}")) +
                   (attention.Count == 0 ? "" : "\n\n" + m.Findings + ":\n" + string.Join("\n", attention.Select(a => $"- {a.Title}: {a.Count}"))) +
                   $"\n\n{s.QuarantinedRows}: {quality}";
        var body = new BodyBuilder { HtmlBody = html, TextBody = text };
        body.Attachments.Add(AttachmentName(summary), pdf, new ContentType("application", "pdf"));
        if (workbook is not null) body.Attachments.Add(TeamWorkbook.FileName(summary.Period, summary.TeamId), workbook, ContentType.Parse(TeamWorkbook.ContentType));
        message.Body = body.ToMessageBody();
        return message;
    }
}
