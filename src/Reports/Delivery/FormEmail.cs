using System.Globalization;
using MimeKit;
using SalesReporting.Reports.Forms;

namespace SalesReporting.Reports.Delivery;

/// <summary>The month-end email to one rep: subject and body in the team's locale, the key indicators (the catalog's
/// summary_order, as the team summary's columns) in the body, the form attached.</summary>
public static class FormEmail
{
    public static string AttachmentName(FeedbackForm form) => $"{form.Period}_{SalesReporting.Data.FileNames.Part(form.Rep.RepId)}.pdf";

    /// <summary>How far ahead the email lists the rep's open actions by their due date.</summary>
    public const int ActionsDueWithinDays = 14;

    /// <param name="acknowledgeUrl">the signed acknowledgement link; no button without one</param>
    /// <param name="workspaceUrl">the rep's page in the workspace; no button without one</param>
    public static MimeMessage Compose(FeedbackForm form, string from, string toName, string toEmail, byte[] pdf, string? acknowledgeUrl, string? workspaceUrl = null)
    {
        ArgumentNullException.ThrowIfNull(form);
        var t = FormEmailText.For(form.Locale);
        var l = FormText.For(form.Locale);
        string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
        var period = l.FormatPeriod(form.Period);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(new MailboxAddress(toName, toEmail));
        message.Subject = F(t.Subject, period, form.Rep.RepName);

        var standing = form.Score.Tier switch { "high" => "met", "improve" => "behind", _ => null };
        var digest = new Digest(l.HtmlLang, $"{l.Title} · {period}")
            .Paragraph(F(t.Greeting, form.Rep.RepName))
            .Paragraph(F(t.Intro, period))
            .Figures([(t.Score, form.Score.Score is { } s ? Format.Score(s) : l.NoValue, standing), (l.Tier, l.TierName(form.Score.Tier) ?? l.NoScore, standing)])
            .Heading(t.KeyIndicators)
            .Table([t.Indicator, t.Target, t.Actual, t.Completion], KeyIndicators.Of(form.Indicators).Select(i => (IReadOnlyList<DigestCell>)[
                new(i.Name + l.UnitSuffix(i.Unit, i.Code)), new(Format.Value(i.Target, i.Unit), true), new(Format.Value(i.Actual, i.Unit), true),
                new(Format.Completion(i.Completion), true, Format.Standing(i.Completion))]))
            .Heading(t.Anomalies)
            .List(form.Indicators.Where(i => i.IsAnomaly).Select(i => (
                i.Completion is null ? i.Name : $"{i.Name} {Format.Completion(i.Completion)}", i.AnomalyReason ?? l.Anomaly, (string?)(Format.Standing(i.Completion) ?? "behind"))).ToList(), t.NoAnomalies)
            .Heading(t.ActionsDue)
            .List(form.Actions.Where(a => a.Status is "open" or "overdue" && a.DueOn <= form.FilledOn.AddDays(ActionsDueWithinDays))
                .OrderBy(a => a.DueOn).Select(a => (a.Problem, $"{a.Action} · {l.ColOwner} {a.Owner} · {l.ColDue} {FormText.FormatDate(a.DueOn)}" +
                    (a.Status == "overdue" || a.DueOn < form.FilledOn ? $" · {l.StatusOverdue}" : ""), a.Status == "overdue" || a.DueOn < form.FilledOn ? "behind" : (string?)null)).ToList(),
                F(t.NoActionsDue, ActionsDueWithinDays))
            .Buttons([(t.Acknowledge, acknowledgeUrl, true), (t.OpenWorkspace, workspaceUrl, false)])
            .Note(t.Attached);
        var body = new BodyBuilder { HtmlBody = digest.Html, TextBody = digest.Text };
        body.Attachments.Add(AttachmentName(form), pdf, new ContentType("application", "pdf"));
        message.Body = body.ToMessageBody();
        return message;
    }
}
