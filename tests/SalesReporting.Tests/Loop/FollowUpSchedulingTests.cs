using System.Globalization;
using Dapper;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SalesReporting.Data.Actions;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Worker.Hosting;
using SalesReporting.Worker.Jobs;

namespace SalesReporting.Tests.Loop;

/// <summary>follow-up(action) jobs in real Hangfire storage on the test database: when they fire, how they move, when they do nothing.</summary>
public sealed class FollowUpSchedulingTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private readonly SmtpSink smtp = new();
    private JobStorage storage = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync("sr_loop_sched");
        await LoopSetup.SeedAsync(db);
        storage = HangfireStorage.Create(db.Reporting);
    }

    public async Task DisposeAsync()
    {
        await smtp.DisposeAsync();
        await db.DisposeAsync();
    }

    private IHost Host(string zone, DateTimeOffset now, string time = "09:00") => db.BuildHost(new Dictionary<string, string?>
    {
        ["Company:TimeZone"] = zone,
        ["FollowUp:ReminderTime"] = time,
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
    }, new FixedClock(now));

    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    /// <summary>Scheduled jobs of one action as (kind, date argument, UTC instant), from Hangfire's monitoring API.</summary>
    private List<(string Kind, string Date, DateTime At, string JobId)> Scheduled(long actionId) =>
        storage.GetMonitoringApi().ScheduledJobs(0, 1000)
            .Where(j => j.Value.Job.Type == typeof(FollowUpJob) && (long)j.Value.Job.Args[0] == actionId)
            .Select(j => ((string)j.Value.Job.Args[1], (string)j.Value.Job.Args[2], j.Value.EnqueueAt, j.Key))
            .OrderBy(j => j.Item3).ToList();

    [Fact]
    public void The_reminder_instant_is_the_local_time_in_the_company_zone_also_across_DST()
    {
        var nine = new TimeOnly(9, 0);
        Assert.Equal(Utc(2026, 3, 8, 1), FollowUpScheduler.InstantFor(new DateOnly(2026, 3, 8), nine, Zone("Asia/Shanghai")));
        Assert.Equal(Utc(2026, 11, 5, 1), FollowUpScheduler.InstantFor(new DateOnly(2026, 11, 5), nine, Zone("Asia/Shanghai")));
        // New York moves to daylight time on 2026-03-08 and back on 2026-11-01.
        Assert.Equal(Utc(2026, 3, 7, 14), FollowUpScheduler.InstantFor(new DateOnly(2026, 3, 7), nine, Zone("America/New_York")));
        Assert.Equal(Utc(2026, 3, 8, 13), FollowUpScheduler.InstantFor(new DateOnly(2026, 3, 8), nine, Zone("America/New_York")));
        Assert.Equal(Utc(2026, 10, 31, 13), FollowUpScheduler.InstantFor(new DateOnly(2026, 10, 31), nine, Zone("America/New_York")));
        Assert.Equal(Utc(2026, 11, 1, 14), FollowUpScheduler.InstantFor(new DateOnly(2026, 11, 1), nine, Zone("America/New_York")));
        // 02:30 does not exist on 2026-03-08 (it becomes 03:30 EDT); 01:30 on 2026-11-01 happens twice (the first, EDT).
        Assert.Equal(Utc(2026, 3, 8, 7, 30), FollowUpScheduler.InstantFor(new DateOnly(2026, 3, 8), new TimeOnly(2, 30), Zone("America/New_York")));
        Assert.Equal(Utc(2026, 11, 1, 5, 30), FollowUpScheduler.InstantFor(new DateOnly(2026, 11, 1), new TimeOnly(1, 30), Zone("America/New_York")));
    }

    [Fact]
    public async Task In_Shanghai_the_follow_ups_are_enqueued_for_09_00_local_that_is_01_00_UTC()
    {
        using var host = Host("Asia/Shanghai", Utc(2026, 11, 1, 0));
        var action = (await host.Services.GetRequiredService<ActionStore>().CreateAsync(LoopSetup.Action(checkpoint: "2026-11-05", due: "2026-11-10"), default))!;
        Assert.Equal(2, await host.Services.GetRequiredService<FollowUpScheduler>().ScheduleAsync([action], default));
        Assert.Equal([("checkpoint", "2026-11-05", new DateTime(2026, 11, 5, 1, 0, 0)), ("due", "2026-11-10", new DateTime(2026, 11, 10, 1, 0, 0))],
            Scheduled(action.Id).Select(j => (j.Kind, j.Date, j.At)));
        // Scheduling the same dates again changes nothing.
        Assert.Equal(0, await host.Services.GetRequiredService<FollowUpScheduler>().ScheduleAsync([action], default));
        Assert.Equal(2, Scheduled(action.Id).Count);
    }

    [Fact]
    public async Task In_New_York_a_follow_up_on_each_side_of_the_DST_change_gets_its_own_UTC_offset()
    {
        using var host = Host("America/New_York", Utc(2026, 3, 1, 12));
        var action = (await host.Services.GetRequiredService<ActionStore>().CreateAsync(
            LoopSetup.Action(period: "2026-02", checkpoint: "2026-03-06", due: "2026-03-09"), default))!;
        await host.Services.GetRequiredService<FollowUpScheduler>().ScheduleAsync([action], default);
        Assert.Equal([("checkpoint", new DateTime(2026, 3, 6, 14, 0, 0)), ("due", new DateTime(2026, 3, 9, 13, 0, 0))],
            Scheduled(action.Id).Select(j => (j.Kind, j.At)));
    }

    [Fact]
    public async Task A_changed_date_reschedules_and_the_old_job_or_a_done_action_sends_nothing()
    {
        using var host = Host("Asia/Shanghai", Utc(2026, 11, 1, 0));
        var store = host.Services.GetRequiredService<ActionStore>();
        var scheduler = host.Services.GetRequiredService<FollowUpScheduler>();
        var job = host.Services.GetRequiredService<FollowUpJob>();
        var action = (await store.CreateAsync(LoopSetup.Action(checkpoint: "2026-11-05", due: "2026-11-10"), default))!;
        await scheduler.ScheduleAsync([action], default);
        var oldDue = Scheduled(action.Id).Single(j => j.Kind == "due");

        var (_, moved) = await store.UpdateAsync(AccessScope.Admin("test"), action.Id, LoopSetup.Action(checkpoint: "2026-11-05", due: "2026-11-17"), default);
        Assert.Equal(1, await scheduler.ScheduleAsync([moved!], default));
        Assert.Equal([("checkpoint", "2026-11-05", new DateTime(2026, 11, 5, 1, 0, 0)), ("due", "2026-11-17", new DateTime(2026, 11, 17, 1, 0, 0))],
            Scheduled(action.Id).Select(j => (j.Kind, j.Date, j.At)));
        using (var connection = storage.GetConnection())
            Assert.Equal("Deleted", connection.GetJobData(oldDue.JobId).State);

        // Had the old job run anyway, it finds the date moved and sends nothing; the new one sends.
        Assert.Contains("moved", await job.RunAsync(action.Id, oldDue.Kind, oldDue.Date, default), StringComparison.Ordinal);
        Assert.Empty(smtp.Messages);
        var newDue = Scheduled(action.Id).Single(j => j.Kind == "due");
        Assert.Contains("Sent", await job.RunAsync(action.Id, newDue.Kind, newDue.Date, default), StringComparison.Ordinal);
        Assert.Contains("AlreadySent", await job.RunAsync(action.Id, newDue.Kind, newDue.Date, default), StringComparison.Ordinal);
        Assert.Equal(["【改进计划到期】回款慢"], smtp.Messages.Select(m => m.Subject));
        Assert.Equal("owner1@x.example", smtp.Messages.Single().To.Mailboxes.Single().Address);

        // Done: its jobs are deleted, and a checkpoint job that still ran does nothing.
        var checkpoint = Scheduled(action.Id).Single(j => j.Kind == "checkpoint");
        var (_, done) = await store.UpdateAsync(AccessScope.Admin("test"), action.Id, LoopSetup.Action(checkpoint: "2026-11-05", due: "2026-11-17") with { Status = "done" }, default);
        await scheduler.ScheduleAsync([done!], default);
        Assert.Empty(Scheduled(action.Id));
        Assert.Contains("done; nothing to do", await job.RunAsync(action.Id, checkpoint.Kind, checkpoint.Date, default), StringComparison.Ordinal);
        Assert.Single(smtp.Messages);
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>("select count(*) from reporting.follow_up_job"));
    }

    [Fact]
    public async Task A_date_already_past_is_left_to_the_daily_scan()
    {
        using var host = Host("Asia/Shanghai", Utc(2026, 11, 8, 0));
        var action = (await host.Services.GetRequiredService<ActionStore>().CreateAsync(LoopSetup.Action(checkpoint: "2026-11-05", due: "2026-11-10"), default))!;
        Assert.Equal(1, await host.Services.GetRequiredService<FollowUpScheduler>().ScheduleAsync([action], default));
        Assert.Equal(["due"], Scheduled(action.Id).Select(j => j.Kind));
    }
}
