using Hangfire;
using Microsoft.Extensions.Options;
using SalesReporting.Data;

namespace SalesReporting.Worker.Jobs;

/// <summary>Every recurring job, registered at start with a stable id, in the company time zone.</summary>
public static class RecurringJobs
{
    public const string SyncSourcesId = "sync-sources";
    public const string MonthEndCloseId = "month-end-close";
    public const string MonthEndResendId = "month-end-resend";
    public const string FollowUpScanId = "follow-up-scan";
    public const string ReleaseAfterReviewId = "release-after-review";
    public const string WeeklyPacingId = "weekly-pacing";
    public const string QuarterEndCloseId = "quarter-end-close";
    public const string YearEndCloseId = "year-end-close";

    public static void Register(IServiceProvider services)
    {
        var tz = services.GetRequiredService<IOptions<CompanyOptions>>().Value.ResolveTimeZone();
        var reminders = services.GetRequiredService<IOptions<FollowUpOptions>>().Value.ResolveReminderTime();
        var recurring = services.GetRequiredService<IRecurringJobManager>();
        // Relaxed (Hangfire's default, said here): an occurrence missed while every server was down runs once when one
        // comes back — however many were missed, not never and not once per missed occurrence.
        var options = new RecurringJobOptions { TimeZone = tz, MisfireHandling = MisfireHandlingMode.Relaxed };
        recurring.AddOrUpdate<SyncSourcesJob>(SyncSourcesId, j => j.RunAsync(CancellationToken.None), Cron.Hourly(), options);
        recurring.AddOrUpdate<MonthEndJob>(MonthEndCloseId, j => j.CloseLastMonthAsync(CancellationToken.None), "0 6 1 * *", options);
        // Never on its own: an admin triggers it from the dashboard to force last month's forms out again.
        recurring.AddOrUpdate<MonthEndJob>(MonthEndResendId, j => j.ResendLastMonthAsync(CancellationToken.None), Cron.Never(), options);
        // Teams that review their forms first: what the manager has not released in time goes out by itself.
        recurring.AddOrUpdate<ReleaseAfterReview>(ReleaseAfterReviewId, j => j.ReleaseDueAsync(CancellationToken.None), Cron.Hourly(), options);
        // The day after a quarter and a year, after month-end-close (06:00) has closed its last month.
        recurring.AddOrUpdate<PeriodEndJob>(QuarterEndCloseId, j => j.CloseLastQuarterAsync(CancellationToken.None), "0 8 1 1,4,7,10 *", options);
        recurring.AddOrUpdate<PeriodEndJob>(YearEndCloseId, j => j.CloseLastYearAsync(CancellationToken.None), "30 8 1 1 *", options);
        // Monday at the reminder time: each manager's month to date against the pro-rated target.
        recurring.AddOrUpdate<WeeklyPacing>(WeeklyPacingId, j => j.RunTodayAsync(CancellationToken.None), Cron.Weekly(DayOfWeek.Monday, reminders.Hour, reminders.Minute), options);
        recurring.AddOrUpdate<FollowUpScan>(FollowUpScanId, j => j.RunTodayAsync(CancellationToken.None), Cron.Daily(reminders.Hour, reminders.Minute), options);
    }
}
