using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SalesReporting.Reports.Delivery;
using SalesReporting.Reports.Forms;
using SalesReporting.Reports.Reminders;
using SalesReporting.Reports.Rendering;
using SalesReporting.Reports.Summary;

namespace SalesReporting.Reports;

public static class ReportsRegistration
{
    /// <summary>Forms and summaries (query, template), the PDF renderer, mail and the delivery ledger, reminders.
    /// Builds on <c>AddData()</c>. Options are checked at start.</summary>
    public static IHostApplicationBuilder AddReports(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).ValidateDataAnnotations()
            .Validate(o => MailOptions.IsSenderAddress(o.From), "Mail:From is not an email address (e.g. \"Sales Reports <reports@example.com>\").")
            .ValidateOnStart();
        services.AddOptions<ChromiumOptions>().BindConfiguration(ChromiumOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChromiumOptions>, ChromiumOptionsValidation>();
        services.AddSingleton<IValidateOptions<SmtpOptions>>(new MailDestinationValidation(builder.Configuration));

        services.AddSingleton<FormQuery>();
        services.AddSingleton<FormHtml>();
        services.AddSingleton<SummaryQuery>();
        services.AddSingleton<SummaryHtml>();
        services.AddSingleton<Rollups.PeriodHtml>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ChromiumOptions>>().Value);
        services.AddSingleton<IPdfRenderer, ChromiumPdfRenderer>();
        services.AddSingleton<IMailTransport>(sp =>
        {
            var smtp = sp.GetRequiredService<IOptions<SmtpOptions>>();
            if (!string.IsNullOrWhiteSpace(smtp.Value.Host)) return new SmtpTransport(smtp);
            return new PickupDirectoryTransport(sp.GetRequiredService<IOptions<MailOptions>>().Value.PickupDirectory!);
        });
        services.AddSingleton<DeliveryLedger>();
        services.AddSingleton<DeliveryAudit>();
        services.AddSingleton<ReminderSender>();
        services.TryAddSingleton<IWorkspaceLinks, NoWorkspaceLinks>(); // the worker adds the real one (its public address)
        return builder;
    }

    private sealed class MailDestinationValidation(IConfiguration configuration) : IValidateOptions<SmtpOptions>
    {
        public ValidateOptionsResult Validate(string? name, SmtpOptions options) =>
            string.IsNullOrWhiteSpace(options.Host) && string.IsNullOrWhiteSpace(configuration["Mail:PickupDirectory"])
                ? ValidateOptionsResult.Fail("No mail destination: set Smtp:Host (Smtp__Host) to send through an SMTP server, or Mail:PickupDirectory (Mail__PickupDirectory) to write .eml files.")
                : ValidateOptionsResult.Success;
    }

    /// <summary>Chromium settings checked at start with the renderer's own rules, so a bad value stops the worker, not a month-end.</summary>
    private sealed class ChromiumOptionsValidation : IValidateOptions<ChromiumOptions>
    {
        public ValidateOptionsResult Validate(string? name, ChromiumOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
