using Dapper;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using SalesReporting.Data;
using SalesReporting.Data.Sources;
using SalesReporting.Data.Teams;
using SalesReporting.Reports.Delivery;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Worker.Api;
using SalesReporting.Worker.Hosting;
using SalesReporting.Worker.Jobs;

namespace SalesReporting.Tests.Workspace;

/// <summary>Release after review: month-end holds a reviewing team's forms, tells its manager once, and sends them once
/// when the manager releases them or when their time is up.</summary>
public sealed class ReleaseAfterReviewTests : IAsyncLifetime
{
    private static readonly Period October = new(2026, 10);
    private readonly string mail = Directory.CreateTempSubdirectory("sr-release-").FullName;
    private TestDatabase db = null!;
    private Microsoft.Extensions.Hosting.IHost host = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync("sr_release");
        await new Seed(db.Databases)
            .Team("T1", "一组", "华东", "王经理", "mgr1@x.example", "zh-CN")
            .Team("T2", "Team two", "East", "Mary", "mgr2@x.example", "en")
            .Rep("R1", "T1", "甲", "r1@x.example").Rep("R2", "T1", "乙", "r2@x.example").Rep("R3", "T2", "Ann", "r3@x.example")
            .WriteAsync();
        host = db.BuildHost(new Dictionary<string, string?>
        {
            ["Mail:PickupDirectory"] = mail,
            ["Acknowledgement:PublicBaseUrl"] = "https://reports.example.test",
        }, new FixedClock(new DateTimeOffset(2026, 11, 1, 6, 0, 0, TimeSpan.FromHours(8))));
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
    }

    public async Task DisposeAsync()
    {
        host.Dispose();
        await db.DisposeAsync();
        Directory.Delete(mail, true);
    }

    private ReleaseAfterReview Review(IBackgroundJobClient? jobs = null) => new(db.Databases, host.Services.GetRequiredService<DeliveryLedger>(),
        host.Services.GetRequiredService<IOptions<MailOptions>>(), host.Services.GetRequiredService<IOptions<AcknowledgementOptions>>(),
        host.Services.GetRequiredService<TimeProvider>(), jobs);

    private TeamSettings Settings() => new(db.Databases);

    private async Task<List<(string Kind, string Subject, string Status)>> LedgerAsync()
    {
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        return (await conn.QueryAsync<(string, string, string)>("select kind, subject_id, status from reporting.delivery order by kind, subject_id")).ToList();
    }

    [Fact]
    public async Task A_reviewing_teams_forms_wait_for_the_release_and_then_go_out_once_each()
    {
        await Settings().SetReleaseAfterReviewAsync("T1", true, 3, "mgr1@x.example", default);
        var monthEnd = host.Services.GetRequiredService<MonthEndJob>();

        var first = await monthEnd.RunInProcessAsync(October, false, null, default);
        Assert.Equal([("R1", DeliveryOutcome.Held), ("R2", DeliveryOutcome.Held), ("R3", DeliveryOutcome.Sent)],
            first.Deliveries.Select(d => (d.RepId, d.Outcome)));
        Assert.Equal(
        [
            ("rep_form", "R3", "sent"), ("review_ready", "T1", "sent"), ("team_summary", "T1", "sent"), ("team_summary", "T2", "sent"),
        ], await LedgerAsync());
        var ready = Directory.GetFiles(mail, "*review_ready*").Select(f => MimeMessage.Load(f)).Single();
        Assert.Equal("mgr1@x.example", ready.To.Mailboxes.Single().Address);
        Assert.Equal("一组 的 2026-10 反馈表已可审阅", ready.Subject);
        Assert.Equal("auto-generated", ready.Headers["Auto-Submitted"]);
        Assert.Contains("https://reports.example.test/app/teams/T1/2026-10", ready.TextBody, StringComparison.Ordinal);
        Assert.Contains("2026-11-03 22:00 UTC", ready.TextBody, StringComparison.Ordinal); // three days after the month-end at 06:00 +08

        // A rerun holds them still and tells the manager nothing new.
        var again = await monthEnd.RunInProcessAsync(October, false, null, default);
        Assert.Equal(2, again.Deliveries.Count(d => d.Outcome == DeliveryOutcome.Held));
        Assert.Single(Directory.GetFiles(mail, "*review_ready*"));

        // The manager releases: the team's job is queued on the scheduler; run here, it sends each form once.
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        var jobs = new BackgroundJobClient(HangfireStorage.Create(db.Reporting));
        Assert.True(await Review(jobs).ReleaseAsync(October, "T1", "mgr1@x.example", default));
        Assert.False(await Review(jobs).ReleaseAsync(October, "T1", "mgr1@x.example", default));
        Assert.Equal(1L, await conn.ExecuteScalarAsync<long>(
            "select count(*) from hangfire.job where invocationdata::text like '%RunTeamAsync%' and arguments::text like '%T1%'"));
        var jobResult = await host.Services.GetRequiredService<RenderAndDeliverJob>().RunTeamAsync("2026-10", "T1", default);
        Assert.StartsWith("T1: 2 sent, 0 already sent, 0 failed permanently", jobResult, StringComparison.Ordinal);
        Assert.StartsWith("T1: 0 sent, 2 already sent", await host.Services.GetRequiredService<RenderAndDeliverJob>().RunTeamAsync("2026-10", "T1", default), StringComparison.Ordinal);
        Assert.Equal(
        [
            ("rep_form", "R1", "sent"), ("rep_form", "R2", "sent"), ("rep_form", "R3", "sent"), ("review_ready", "T1", "sent"),
            ("team_summary", "T1", "sent"), ("team_summary", "T2", "sent"),
        ], await LedgerAsync());
        Assert.Equal("mgr1@x.example", await conn.ExecuteScalarAsync<string>("select released_by from reporting.review_release where team_id = 'T1'"));
    }

    [Fact]
    public async Task Forms_nobody_released_go_out_by_themselves_when_their_days_are_up()
    {
        await Settings().SetReleaseAfterReviewAsync("T2", true, 1, "mgr2@x.example", default);
        await host.Services.GetRequiredService<MonthEndJob>().RunInProcessAsync(October, false, null, default);
        var jobs = new BackgroundJobClient(HangfireStorage.Create(db.Reporting));
        Assert.Equal("nothing due", await Review(jobs).ReleaseDueAsync(default)); // the fixed clock: still the day of the month-end

        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        await conn.ExecuteAsync("update reporting.review_release set release_due_at = '2026-10-31 00:00+00' where team_id = 'T2'");
        Assert.Equal("released: 2026-10 T2", await Review(jobs).ReleaseDueAsync(default));
        Assert.Equal("nothing due", await Review(jobs).ReleaseDueAsync(default));
        Assert.Equal("auto", await conn.ExecuteScalarAsync<string>("select released_by from reporting.review_release where team_id = 'T2'"));
        Assert.Equal(1L, await conn.ExecuteScalarAsync<long>(
            "select count(*) from hangfire.job where invocationdata::text like '%RunTeamAsync%' and arguments::text like '%T2%'"));
    }
}
