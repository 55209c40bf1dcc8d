using System.Globalization;
using System.Net;
using MimeKit;
using SalesReporting.Reports.Forms;

namespace SalesReporting.Reports.Delivery;

/// <summary>The month-end email to one rep: subject and body in the team's locale, the key indicators (the catalog's
/// summary_order, as the team summary's columns) in the body, the form attached.</summary>
public static class FormEmail
{
    public static string AttachmentName(FeedbackForm form) => $"{form.Period}_{SalesReporting.Data.FileNames.Part(form.Rep.RepId)}.pdf";

    public static MimeMessage Compose(FeedbackForm form, string from, string toName, string toEmail, byte[] pdf, string? acknowledgeUrl)
    {
        var t = FormEmailText.For(form.Locale);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(new MailboxAddress(toName, toEmail));
        message.Subject = string.Format(CultureInfo.InvariantCulture, t.Subject, FormText.For(form.Locale).FormatPeriod(form.Period), form.Rep.RepName);

        var keys = KeyIndicators.Of(form.Indicators).ToList();
        var rows = keys.Select(i =>
            $"<tr><td>{WebUtility.HtmlEncode(i.Name)}</td><td style=\"text-align:right\">{Format.Value(i.Target, i.Unit)}</td><td style=\"text-align:right\">{Format.Value(i.Actual, i.Unit)}</td>" +
            $"<td style=\"text-align:right\">{Format.Completion(i.Completion)}</td></tr>");
        var score = form.Score.Score is { } s ? Format.Score(s) : "—";
        var ack = acknowledgeUrl is null ? "" : $"<p><a href=\"{WebUtility.HtmlEncode(acknowledgeUrl)}\">{t.Acknowledge}</a></p>";
        var html = $"""
            <!DOCTYPE html><html><body style="font-family:sans-serif">
            <p>{WebUtility.HtmlEncode(string.Format(CultureInfo.InvariantCulture, t.Greeting, form.Rep.RepName))}</p>
            <p>{WebUtility.HtmlEncode(string.Format(CultureInfo.InvariantCulture, t.Intro, FormText.For(form.Locale).FormatPeriod(form.Period)))}</p>
            <p>{t.Score}: <b>{score}</b></p>
            <table border="1" cellpadding="4" style="border-collapse:collapse">
            <tr><th>{t.Indicator}</th><th>{t.Target}</th><th>{t.Actual}</th><th>{t.Completion}</th></tr>
            {string.Join("\n", rows)}
            </table>
            {ack}
            </body></html>
            """;
        var text = string.Format(CultureInfo.InvariantCulture, t.Greeting, form.Rep.RepName) + "\n\n" +
                   string.Format(CultureInfo.InvariantCulture, t.Intro, FormText.For(form.Locale).FormatPeriod(form.Period)) + "\n" +
                   string.Join("\n", keys.Select(i =>
                       $"{i.Name}: {Format.Value(i.Actual, i.Unit)} / {Format.Value(i.Target, i.Unit)} = {Format.Completion(i.Completion)}")) +
                   (acknowledgeUrl is null ? "" : $"\n\n{t.Acknowledge}: {acknowledgeUrl}");
        var body = new BodyBuilder { HtmlBody = html, TextBody = text };
        body.Attachments.Add(AttachmentName(form), pdf, new ContentType("application", "pdf"));
        message.Body = body.ToMessageBody();
        return message;
    }
}
