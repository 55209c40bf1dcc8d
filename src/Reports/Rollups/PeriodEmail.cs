using System.Globalization;
using MimeKit;
using SalesReporting.Data;
using SalesReporting.Data.Indicators;
using SalesReporting.Reports.Delivery;
using SalesReporting.Reports.Forms;

namespace SalesReporting.Reports.Rollups;

/// <summary>The quarter's and the year's emails: to each rep their review, to each manager the team's, with the PDF.</summary>
public static class PeriodEmail
{
    /// <summary>Ledger kinds: quarter_form, quarter_summary, year_form, year_summary.</summary>
    public static string FormKind(RollupPeriod period) => period.Kind + "_form";
    public static string SummaryKind(RollupPeriod period) => period.Kind + "_summary";

    public static string AttachmentName(PeriodRepReview review) => $"{review.Period}_{FileNames.Part(review.RepId)}.pdf";
    public static string SummaryAttachmentName(PeriodTeamReview team) => $"{team.Period}_team_{FileNames.Part(team.TeamId)}.pdf";

    public static MimeMessage ComposeForm(PeriodRepReview review, string from, byte[] pdf, string? workspaceUrl)
    {
        ArgumentNullException.ThrowIfNull(review);
        var l = FormText.For(review.Locale);
        var p = PeriodText.For(review.Locale);
        string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
        var name = p.Name(review.Period);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(new MailboxAddress(review.RepName, review.Email));
        message.Subject = $"{p.Title(review.Period)} · {name} · {review.RepName}";
        var keys = review.KeyIndicators.ToList();
        var digest = new Digest(l.HtmlLang, message.Subject)
            .Paragraph(F(p.Greeting, review.RepName, name))
            .Figures([
                (p.PeriodScore, review.Score is { } s ? Format.Score(s) : l.NoValue, null),
                (l.Tier, l.TierName(review.Tier) ?? l.NoValue, review.Tier switch { "high" => "met", "improve" => "behind", _ => null })])
            .Heading(p.SectionIndicators)
            .Table([l.ColIndicator, p.Total, l.ColTarget, l.ColCompletion], keys.Select(i => (IReadOnlyList<DigestCell>)[
                new(i.Name(review.Locale)),
                new(Format.Value(i.Actual, i.Unit), true),
                new(Format.Value(i.Target, i.Unit), true),
                new(Format.Completion(i.Completion), true, Format.Standing(i.Completion))]))
            .Heading(p.SectionActions)
            .List(review.Actions.Select(a => ($"{a.Problem}", $"{a.Action} · {l.ColDue} {FormText.FormatDate(a.DueOn)} · {l.Status(a.Status)}" +
                (a.Effectiveness is { } e ? $" · {l.Effect(e)}" : ""), a.Effectiveness == "not_improved" ? "behind" : a.Effectiveness == "improved" ? "met" : (string?)null)).ToList(), l.NoActions)
            .Buttons([(FormEmailText.For(review.Locale).OpenWorkspace, workspaceUrl, true)])
            .Note(p.Attached);
        var body = new BodyBuilder { HtmlBody = digest.Html, TextBody = digest.Text };
        body.Attachments.Add(AttachmentName(review), pdf, new ContentType("application", "pdf"));
        message.Body = body.ToMessageBody();
        return message;
    }

    public static MimeMessage ComposeSummary(PeriodTeamReview team, string from, byte[] pdf, string? workspaceUrl)
    {
        ArgumentNullException.ThrowIfNull(team);
        var l = FormText.For(team.Locale);
        var p = PeriodText.For(team.Locale);
        var s = Summary.SummaryText.For(team.Locale);
        string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
        var name = p.Name(team.Period);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(new MailboxAddress(team.ManagerName ?? team.ManagerEmail, team.ManagerEmail ?? throw new InvalidOperationException($"team {team.TeamId} has no manager_email")));
        message.Subject = $"{p.SummaryTitle(team.Period)} · {name} · {team.TeamName}";
        var keys = team.Reps.Count == 0 ? [] : team.Reps[0].KeyIndicators.Take(Summary.SummaryEmail.KeyIndicatorsShown).ToList();
        var scored = team.Reps.Where(r => r.Score is not null).ToList();
        var digest = new Digest(l.HtmlLang, message.Subject)
            .Paragraph(F(p.SummaryIntro, name, team.TeamName))
            .Figures([
                (s.RepCount, team.Reps.Count.ToString(CultureInfo.InvariantCulture), null),
                (s.AverageScore, scored.Count == 0 ? l.NoValue : Format.Score(scored.Average(r => r.Score!.Value)), null),
                (l.TierImprove, team.Reps.Count(r => r.Tier == "improve").ToString(CultureInfo.InvariantCulture), team.Reps.Any(r => r.Tier == "improve") ? "behind" : null)])
            .Heading(p.SectionRanking)
            .Table([s.ColRank, s.ColRep, .. keys.Select(k => k.Name(team.Locale)), l.Score, l.Tier], team.Reps.Select(r => (IReadOnlyList<DigestCell>)[
                new(r.Rank?.ToString(CultureInfo.InvariantCulture) ?? l.NoValue, true), new(r.RepName),
                .. keys.Select(k => r.Indicators.First(i => i.Code == k.Code).Completion).Select(c => new DigestCell(Format.Completion(c), true, Format.Standing(c))),
                new(r.Score is { } sc ? Format.Score(sc) : l.NoValue, true), new(l.TierName(r.Tier) ?? l.NoValue)]))
            .Buttons([(Summary.SummaryEmailText.For(team.Locale).OpenWorkspace, workspaceUrl, true)])
            .Note(p.Attached);
        var body = new BodyBuilder { HtmlBody = digest.Html, TextBody = digest.Text };
        body.Attachments.Add(SummaryAttachmentName(team), pdf, new ContentType("application", "pdf"));
        message.Body = body.ToMessageBody();
        return message;
    }
}
