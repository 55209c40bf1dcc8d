using Hangfire;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Reports;
using SalesReporting.Worker.Api;
using SalesReporting.Worker.Jobs;

namespace SalesReporting.Worker.Hosting;

public static class Registration
{
    /// <summary>Everything the jobs need, project by project; the same for `serve` and for the one-shot commands.</summary>
    public static IHostApplicationBuilder AddSalesReporting(this IHostApplicationBuilder builder) =>
        builder.AddData().AddReports().AddJobs();

    /// <summary>The worker's own services: its jobs and their options, and the closed loop's API keys and
    /// acknowledgement links, which the jobs and the commands use too. Builds on <c>AddData()</c> and <c>AddReports()</c>.</summary>
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<FormsOptions>().BindConfiguration(FormsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<FormsOptions>, FormsOutputDirectoryValidation>();
        services.AddOptions<FollowUpOptions>().BindConfiguration(FollowUpOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.ReminderTimeIsValid(), "FollowUp:ReminderTime must be a local time HH:mm, e.g. 09:00.")
            .ValidateOnStart();
        // Serving requires the link settings (checked in MapClosedLoop); one-shot commands send forms without a link when unset.
        services.AddOptions<AcknowledgementOptions>().BindConfiguration(AcknowledgementOptions.Section)
            .Validate(o => o.SecretLengthIsValid, AcknowledgementOptions.ShortSecret)
            .ValidateOnStart();

        services.AddSingleton<ApiKeys>();
        services.AddSingleton<AcknowledgementLinks>();
        services.AddSingleton<Reports.Reminders.IWorkspaceLinks>(sp => sp.GetRequiredService<AcknowledgementLinks>());
        services.AddSingleton<SyncSourcesJob>();
        services.AddSingleton<ReleaseAfterReview>();
        services.AddSingleton<DisputeMail>();
        services.AddSingleton<RenderAndDeliverJob>();
        services.AddSingleton<MonthEndJob>();
        services.AddSingleton<FollowUpScan>();
        services.AddSingleton<WeeklyPacing>();
        services.AddSingleton<PeriodEndJob>();
        services.AddSingleton<FollowUpJob>();
        services.AddSingleton(sp => new FollowUpScheduler(sp.GetRequiredService<Databases>(),
            // Under `serve` Hangfire's own client; a one-shot command (import actions) writes to the same storage directly.
            sp.GetService<IBackgroundJobClient>() ?? new BackgroundJobClient(HangfireStorage.Create(builder.Configuration.GetConnectionString("Reporting")!)),
            sp.GetRequiredService<IOptions<CompanyOptions>>(), sp.GetRequiredService<IOptions<FollowUpOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ActionWrites>();
        return builder;
    }
}
