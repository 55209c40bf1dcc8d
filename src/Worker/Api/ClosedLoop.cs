using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Data.Actions;
using SalesReporting.Reports.Reminders;
using SalesReporting.Worker.Jobs;

namespace SalesReporting.Worker.Api;

/// <summary>The closed loop (SPEC §1 step 6): actions API and import, follow-up jobs and scan, acknowledgement links.</summary>
public static class ClosedLoop
{
    public static IHostApplicationBuilder AddClosedLoop(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<FollowUpOptions>().BindConfiguration(FollowUpOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.ReminderTimeIsValid(), "FollowUp:ReminderTime must be a local time HH:mm, e.g. 09:00.")
            .ValidateOnStart();
        // Serving requires the link settings (checked in MapClosedLoop); one-shot commands send forms without a link when unset.
        services.AddOptions<AcknowledgementOptions>().BindConfiguration(AcknowledgementOptions.Section)
            .Validate(o => o.SecretLengthIsValid, AcknowledgementOptions.ShortSecret)
            .ValidateOnStart();
        services.AddSingleton<ActionStore>();
        services.AddSingleton<ActionImport>();
        services.AddSingleton<ReasonImport>();
        services.AddSingleton<ApiKeys>();
        services.AddSingleton<AcknowledgementLinks>();
        services.AddSingleton<ReminderSender>();
        services.AddSingleton<FollowUpScan>();
        services.AddSingleton<FollowUpJob>();
        services.AddSingleton(sp => new FollowUpScheduler(sp.GetRequiredService<Databases>(),
            // Under `serve` Hangfire's own client; a one-shot command (import actions) writes to the same storage directly.
            sp.GetService<IBackgroundJobClient>() ?? new BackgroundJobClient(Storage(builder.Configuration.GetConnectionString("Reporting")!)),
            sp.GetRequiredService<IOptions<CompanyOptions>>(), sp.GetRequiredService<IOptions<FollowUpOptions>>(), sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>The Hangfire storage `serve` uses, for processes that schedule jobs without running a server.</summary>
    public static JobStorage Storage(string reporting)
    {
        GlobalConfiguration.Configuration.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
        var options = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(reporting, options), options);
    }

    /// <summary>The API, the acknowledgement page and the daily follow-up-scan; refuses to start without the link settings.</summary>
    public static WebApplication MapClosedLoop(this WebApplication app)
    {
        var ack = app.Services.GetRequiredService<IOptions<AcknowledgementOptions>>().Value;
        var problems = ack.Problems().ToList();
        if (problems.Count > 0) throw new OptionsValidationException(AcknowledgementOptions.Section, typeof(AcknowledgementOptions), problems);
        app.MapActionApi();
        app.MapAcknowledgement();
        var tz = app.Services.GetRequiredService<IOptions<CompanyOptions>>().Value.ResolveTimeZone();
        var time = app.Services.GetRequiredService<IOptions<FollowUpOptions>>().Value.ResolveReminderTime();
        app.Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<FollowUpScan>("follow-up-scan",
            j => j.RunTodayAsync(CancellationToken.None), Cron.Daily(time.Hour, time.Minute), new RecurringJobOptions { TimeZone = tz });
        return app;
    }
}
