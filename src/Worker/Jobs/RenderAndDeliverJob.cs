using System.ComponentModel;
using Hangfire;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Reports.Delivery;
using SalesReporting.Reports.Forms;
using SalesReporting.Reports.Rendering;
using SalesReporting.Worker.Hosting;

namespace SalesReporting.Worker.Jobs;

public sealed record RepDelivery(string RepId, string RepName, DeliveryOutcome Outcome, string? PdfPath, string? Error,
    IReadOnlyList<Reports.Forms.IndicatorLine> Indicators, decimal? Score);

/// <summary>render-and-deliver(period, rep): build the form, print it, email it once.</summary>
public sealed class RenderAndDeliverJob(FormQuery forms, FormHtml html, IPdfRenderer pdf, DeliveryLedger ledger,
    IOptions<MailOptions> mail, IOptions<FormsOptions> formsOptions, ILogger<RenderAndDeliverJob> logger, Api.AcknowledgementLinks links)
{
    [DisplayName("render-and-deliver {0} {1}")]
    [AutomaticRetry(Attempts = 5)]
    [Queue("forms")]
    public async Task<string> RunAsync(string period, string repId, bool force, CancellationToken ct)
    {
        var r = await ExecuteAsync(Period.Parse(period), repId, force, ct);
        return r.Outcome switch
        {
            DeliveryOutcome.Failed => $"{repId}: delivery failed permanently: {r.Error}",
            DeliveryOutcome.AlreadySent => $"{repId}: already sent, nothing to do",
            _ => $"{repId}: sent ({r.PdfPath ?? "pdf not kept"})",
        };
    }

    public async Task<RepDelivery> ExecuteAsync(Period period, string repId, bool force, CancellationToken ct)
    {
        var found = await forms.LoadAsync(period, [repId], ct);
        if (found.Count != 1) throw new InvalidOperationException($"Rep {repId} is not in the staged CRM data; cannot build the {period} form.");
        var form = found[0];
        var recipient = (await forms.ActiveRepsAsync(ct)).FirstOrDefault(r => r.RepId == repId)
            ?? throw new InvalidOperationException($"Rep {repId} is not active; no form is sent.");
        // A rep receives only their own form: the recipient and the form come from the same rep id.
        if (form.Rep.RepId != recipient.RepId) throw new InvalidOperationException("Form and recipient differ; refusing to send.");

        var key = new DeliveryKey("rep_form", period, repId, recipient.Email);
        var dir = formsOptions.Value.OutputDirectory;
        var pdfPath = string.IsNullOrWhiteSpace(dir) ? null : Path.Combine(dir, FormEmail.AttachmentName(form));
        if (!force && await ledger.IsSentAsync(key, ct) && (pdfPath is null || File.Exists(pdfPath)))
            return new RepDelivery(repId, form.Rep.RepName, DeliveryOutcome.AlreadySent, pdfPath, null, form.Indicators, form.Score.Score);

        var document = await html.RenderAsync(form);
        var bytes = await pdf.RenderAsync(document, ct);
        if (pdfPath is not null)
        {
            Directory.CreateDirectory(dir!);
            await File.WriteAllBytesAsync(pdfPath + ".tmp", bytes, ct);
            File.Move(pdfPath + ".tmp", pdfPath, overwrite: true);
        }
        var (outcome, error) = await ledger.DeliverAsync(key,
            _ => FormEmail.Compose(form, mail.Value.From, recipient.Name, recipient.Email, bytes, links.UrlFor(period, repId)), force, ct);
        logger.LogInformation("{Period} {Rep}: {Outcome}", period, repId, outcome);
        return new RepDelivery(repId, form.Rep.RepName, outcome, pdfPath, error, form.Indicators, form.Score.Score);
    }
}
