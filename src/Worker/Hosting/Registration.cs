using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Sources;
using SalesReporting.Data.Targets;
using SalesReporting.Reports.Delivery;
using SalesReporting.Reports.Forms;
using SalesReporting.Reports.Rendering;
using SalesReporting.Reports.Summary;
using SalesReporting.Worker.Api;
using SalesReporting.Worker.Jobs;

namespace SalesReporting.Worker.Hosting;

/// <summary>Section "Forms".</summary>
public sealed class FormsOptions
{
    public const string Section = "Forms";
    /// <summary>When set, every rendered PDF is also kept here (period_rep.pdf).</summary>
    public string? OutputDirectory { get; set; }
    /// <summary>Teams rendered at once by an in-process month-end.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 64)]
    public int Parallelism { get; set; } = 4;
    /// <summary>Forms of a team printed (in Chromium:BatchSize batches) before they are delivered; bounds the PDFs held in memory.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000)]
    public int DeliveryChunk { get; set; } = 100;
}

public static class Registration
{
    /// <summary>Everything the jobs need; the same for `serve` and for the one-shot commands.</summary>
    public static IHostApplicationBuilder AddSalesReporting(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CompanyOptions>().BindConfiguration(CompanyOptions.Section).ValidateDataAnnotations()
            .Validate(o => { try { o.ResolveTimeZone(); return true; } catch (TimeZoneNotFoundException) { return false; } },
                "Company:TimeZone is not a known time zone (use an IANA name such as Asia/Shanghai).")
            .ValidateOnStart();
        services.AddOptions<SourceOptions>().BindConfiguration(SourceOptions.Section).ValidateDataAnnotations()
            .Validate(o => Directory.Exists(o.ResolveQueryDirectory()), "Sources:QueryDirectory does not exist; it must hold the extraction queries (crm.reps.sql, ...).")
            .ValidateOnStart();
        services.AddOptions<IndicatorOptions>().BindConfiguration(IndicatorOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).ValidateDataAnnotations()
            .Validate(o => MimeKit.MailboxAddress.TryParse(o.From, out _), "Mail:From is not an email address (e.g. \"Sales Reports <reports@example.com>\").")
            .ValidateOnStart();
        services.AddOptions<FormsOptions>().BindConfiguration(FormsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ChromiumOptions>().BindConfiguration(ChromiumOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChromiumOptions>, ChromiumOptionsValidation>();
        services.AddSingleton<IValidateOptions<SmtpOptions>>(new MailDestinationValidation(builder.Configuration));

        services.AddSingleton(_ =>
        {
            string Conn(string name) => builder.Configuration.GetConnectionString(name) is { Length: > 0 } c ? c
                : throw new OptionsValidationException(name, typeof(string),
                    [$"ConnectionStrings:{name} is not set (environment variable ConnectionStrings__{name}); scripts/demo sets it for the embedded default."]);
            return Databases.Create(Conn("Crm"), Conn("Finance"), Conn("Reporting"));
        });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SourceSync>();
        services.AddSingleton<IndicatorCompute>();
        services.AddSingleton<IndicatorRollup>();
        services.AddSingleton<TargetImport>();
        services.AddSingleton<FormQuery>();
        services.AddSingleton<FormHtml>();
        services.AddSingleton<SummaryQuery>();
        services.AddSingleton<SummaryHtml>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ChromiumOptions>>().Value);
        services.AddSingleton<IPdfRenderer, ChromiumPdfRenderer>();
        services.AddSingleton<IMailTransport>(sp =>
        {
            var smtp = sp.GetRequiredService<IOptions<SmtpOptions>>();
            if (!string.IsNullOrWhiteSpace(smtp.Value.Host)) return new SmtpTransport(smtp);
            return new PickupDirectoryTransport(sp.GetRequiredService<IOptions<MailOptions>>().Value.PickupDirectory!);
        });
        services.AddSingleton<DeliveryLedger>();
        services.AddSingleton<SyncSourcesJob>();
        services.AddSingleton<RenderAndDeliverJob>();
        services.AddSingleton<MonthEndJob>();
        builder.AddClosedLoop();
        return builder;
    }

    private sealed class MailDestinationValidation(IConfiguration configuration) : IValidateOptions<SmtpOptions>
    {
        public ValidateOptionsResult Validate(string? name, SmtpOptions options) =>
            string.IsNullOrWhiteSpace(options.Host) && string.IsNullOrWhiteSpace(configuration["Mail:PickupDirectory"])
                ? ValidateOptionsResult.Fail("No mail destination: set Smtp:Host (Smtp__Host) to send through an SMTP server, or Mail:PickupDirectory (Mail__PickupDirectory) to write .eml files.")
                : ValidateOptionsResult.Success;
    }
}

/// <summary>Chromium settings checked at start with the renderer's own rules, so a bad value stops the worker, not a month-end.</summary>
internal sealed class ChromiumOptionsValidation : IValidateOptions<ChromiumOptions>
{
    public ValidateOptionsResult Validate(string? name, ChromiumOptions options) =>
        options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
