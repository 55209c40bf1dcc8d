using System.Globalization;
using MimeKit;
using SalesReporting.Reports.Delivery;
using SalesReporting.Reports.Forms;

namespace SalesReporting.Reports.Summary;

/// <summary>The month-end email to a team's manager: subject and body in the team's locale, the key figures
/// and what needs attention in the body, the summary PDF attached, and the team workbook (.xlsx) when given.</summary>
public static class SummaryEmail
{
    public static string AttachmentName(TeamSummary summary) => TeamSummary.FileName(summary.Period, summary.TeamId);

    /// <summary>How many key indicators the email's ranking shows (a phone's width); the PDF and the workbook have them all.</summary>
    public const int KeyIndicatorsShown = 3;

    /// <param name="workspaceUrl">the team's page in the workspace; no button without one</param>
    public static MimeMessage Compose(TeamSummary summary, string from, string toName, string toEmail, byte[] pdf, byte[]? workbook = null, string? workspaceUrl = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var l = FormText.For(summary.Locale);
        var s = SummaryText.For(summary.Locale);
        var m = SummaryEmailText.For(summary.Locale);
        string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
        var period = l.FormatPeriod(summary.Period);

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(new MailboxAddress(toName, toEmail));
        message.Subject = F(m.Subject, period, summary.TeamName);

        var keys = summary.KeyIndicators.Take(KeyIndicatorsShown).ToList();
        var attention = SummaryText.FindingKinds
            .Select(k => (Title: s.FindingTitle(k), Count: summary.Findings.Count(f => f.Kind == k)))
            .Where(x => x.Count > 0)
            .Select(x => (x.Title, x.Count.ToString(CultureInfo.InvariantCulture), (string?)null)).ToList();
        var digest = new Digest(l.HtmlLang, $"{s.Title} · {period} · {summary.TeamName}")
            .Paragraph(F(m.Greeting, summary.ManagerName))
            .Paragraph(F(m.Intro, period, summary.TeamName))
            .Figures([
                (s.RepCount, summary.Reps.Count.ToString(CultureInfo.InvariantCulture), null),
                (s.AverageScore, summary.AverageScore is { } avg ? Format.Score(avg) : l.NoValue, null),
                (s.Acknowledgements, $"{summary.AcknowledgedCount} / {summary.Reps.Count}", null)])
            .Figures([
                (l.TierHigh, summary.TierCount("high").ToString(CultureInfo.InvariantCulture), "met"),
                (l.TierOnTrack, summary.TierCount("on_track").ToString(CultureInfo.InvariantCulture), null),
                (l.TierImprove, summary.TierCount("improve").ToString(CultureInfo.InvariantCulture), summary.TierCount("improve") > 0 ? "behind" : null)])
            .Heading(s.SectionReps)
            .Table([s.ColRank, s.ColRep, .. keys.Select(k => k.Name), l.Score, l.Tier], summary.Reps.Select(r => (IReadOnlyList<DigestCell>)[
                new(r.Rank?.ToString(CultureInfo.InvariantCulture) ?? l.NoValue, true), new(r.RepName + (r.IsNewHire ? $" ({l.NewHire})" : "")),
                .. r.Completions.Take(keys.Count).Select(c => new DigestCell(Format.Completion(c), true, Format.Standing(c))),
                new(r.Score is { } sc ? Format.Score(sc) : l.NoValue, true), new(l.TierName(r.Tier) ?? l.NoValue)]))
            .Paragraph(F(m.RankingNote, keys.Count))
            .Heading(m.Findings)
            .List(attention, m.NothingNeedsAttention)
            .Heading(s.SectionOverdue)
            .List(summary.OverdueActions.Select(a => ($"{a.RepName}: {a.Problem}", $"{a.Action} · {l.ColOwner} {a.Owner} · {l.ColDue} {FormText.FormatDate(a.DueOn)} · {s.ColDaysOverdue} {a.DaysOverdue}", (string?)"behind")).ToList(), s.None)
            .Buttons([(m.OpenWorkspace, workspaceUrl, true)])
            .Note($"{s.QuarantinedRows}{l.Colon}{F(s.QuarantinedRowsNote, summary.QuarantinedRows)}")
            .Note(m.Attached);
        var body = new BodyBuilder { HtmlBody = digest.Html, TextBody = digest.Text };
        body.Attachments.Add(AttachmentName(summary), pdf, new ContentType("application", "pdf"));
        if (workbook is not null) body.Attachments.Add(TeamWorkbook.FileName(summary.Period, summary.TeamId), workbook, ContentType.Parse(TeamWorkbook.ContentType));
        message.Body = body.ToMessageBody();
        return message;
    }
}
