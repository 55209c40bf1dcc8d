using System.Reflection;
using Hangfire;
using Hangfire.Common;
using Hangfire.Storage;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.DependencyInjection;
using SalesReporting.Data;
using SalesReporting.Demo;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Sources;
using SalesReporting.Data.Targets;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Worker.Jobs;

namespace SalesReporting.Tests.Summary;

public sealed class MonthEndFanOutTests
{
    /// <summary>A queued team job is a plain run: its method takes the period, the team and the token, nothing that could
    /// force a resend (which month-end applies once, to the ledger).</summary>
    private static void AssertPlainTeamRun(Job job) =>
        Assert.Equal([typeof(string), typeof(string), typeof(CancellationToken)], job.Method.GetParameters().Select(p => p.ParameterType));

    [Fact]
    public async Task Month_end_under_the_scheduler_queues_one_render_and_deliver_team_job_per_team_on_the_forms_queue()
    {
        await using var db = await TestDatabase.CreateAsync("sr_fanout");
        var outDir = Path.Combine(Path.GetTempPath(), "sr-fanout-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var host = db.BuildHost(new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.Combine(outDir, "mail") },
                new FixedClock(new DateTimeOffset(2026, 11, 1, 6, 0, 0, TimeSpan.FromHours(8))));
            var demo = await DemoOrganisation.GenerateAsync(db.Databases, outDir, default);
            await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
            await host.Services.GetRequiredService<TargetImport>().ImportAsync(demo.TargetsFile, default);
            var options = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true };
            var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(db.Reporting, options), options);
            var month = ActivatorUtilities.CreateInstance<MonthEndJob>(host.Services, (IBackgroundJobClient)new BackgroundJobClient(storage));

            var result = await month.RunAsync("2026-10", false, default);

            Assert.EndsWith("21 forms of 3 teams queued", result, StringComparison.Ordinal);
            var queued = storage.GetMonitoringApi().EnqueuedJobs("forms", 0, 100).Select(j => j.Value.Job).ToList();
            Assert.Equal(3, queued.Count);
            Assert.All(queued, j => Assert.Equal(nameof(RenderAndDeliverJob.RunTeamAsync), j.Method.Name));
            Assert.Equal(["T01", "T02", "T03"], queued.Select(j => (string)j.Args[1]).Order(StringComparer.Ordinal));
            Assert.All(queued, j => Assert.Equal("2026-10", j.Args[0]));
            Assert.All(queued, AssertPlainTeamRun);

            // The dashboard's month-end-resend: the month before the clock's (2026-11-01 → October). The resend is
            // applied once, to the ledger; the team jobs are plain ones, so their retries send nothing twice.
            await using (var conn = await db.Databases.Reporting.OpenConnectionAsync())
                await Dapper.SqlMapper.ExecuteAsync(conn, """
                    insert into reporting.delivery(kind, period, subject_id, recipient, message_id, status, last_error) values
                      ('rep_form', '2026-10-01', 'R001', 'r001@demo.example', 'm1', 'sent', null),
                      ('rep_form', '2026-10-01', 'R002', 'bad@demo.example', 'm2', 'failed', '550 no such user'),
                      ('team_summary', '2026-10-01', 'T01', 'wang.jianguo@demo.example', 'm3', 'sent', null),
                      ('rep_form', '2026-09-01', 'R001', 'r001@demo.example', 'm4', 'sent', null)
                    """);
            var resend = await month.ResendLastMonthAsync(default);
            Assert.EndsWith("21 forms of 3 teams queued", resend, StringComparison.Ordinal);
            var again = storage.GetMonitoringApi().EnqueuedJobs("forms", 0, 100).Select(j => j.Value.Job).ToList();
            Assert.Equal(6, again.Count);
            Assert.All(again, AssertPlainTeamRun);
            await using (var conn = await db.Databases.Reporting.OpenConnectionAsync())
                Assert.Equal([("m1", "pending"), ("m2", "pending"), ("m3", "pending"), ("m4", "sent")],
                    await Dapper.SqlMapper.QueryAsync<(string, string)>(conn, "select message_id, status from reporting.delivery order by message_id"));
        }
        finally
        {
            if (Directory.Exists(outDir)) Directory.Delete(outDir, true);
        }
    }

    [Fact]
    public async Task A_team_job_queued_with_the_force_argument_it_had_before_still_loads_and_runs_as_a_plain_run()
    {
        await using var db = await TestDatabase.CreateAsync("sr_fanout_queued");
        var outDir = Path.Combine(Path.GetTempPath(), "sr-fanout-queued-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var host = db.BuildHost(new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.Combine(outDir, "mail") },
                new FixedClock(new DateTimeOffset(2026, 11, 1, 6, 0, 0, TimeSpan.FromHours(8))));
            var demo = await DemoOrganisation.GenerateAsync(db.Databases, outDir, default);
            await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
            await host.Services.GetRequiredService<TargetImport>().ImportAsync(demo.TargetsFile, default);
            await host.Services.GetRequiredService<IndicatorCompute>().ComputeWithHistoryAsync(new Period(2026, 10), default);

            // Word for word what Hangfire's PostgreSQL storage holds (hangfire.job.invocationdata) for a team job queued
            // when RunTeamAsync still took force; the worker finds the method by this name and these parameter types.
            var stored = new InvocationData("SalesReporting.Worker.Jobs.RenderAndDeliverJob, SalesReporting.Worker", "RunTeamAsync",
                """["System.String","System.String","System.Boolean","System.Threading.CancellationToken, mscorlib"]""",
                """["\"2026-10\"","\"T03\"","false",null]""");
            var job = stored.DeserializeJob();

            // Its retries and requeues keep the team job's policy: twelve attempts at the same fixed delays, on the forms queue.
            Assert.Equal("forms", job.Method.GetCustomAttribute<QueueAttribute>()?.Queue);
            var retry = Assert.IsType<AutomaticRetryAttribute>(job.Method.GetCustomAttribute<AutomaticRetryAttribute>());
            Assert.Equal(12, retry.Attempts);
            Assert.Equal([15, 30, 60, 120, 180, 300, 600, 1200, 1800, 3600, 3600, 3600], retry.DelaysInSeconds!);
            var run = (Task<string>)job.Method.Invoke(host.Services.GetRequiredService<RenderAndDeliverJob>(), [.. job.Args])!;
            Assert.Equal("T03: 7 sent, 0 already sent, 0 failed permanently; summary: Sent", await run);
        }
        finally
        {
            if (Directory.Exists(outDir)) Directory.Delete(outDir, true);
        }
    }
}
