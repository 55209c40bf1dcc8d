using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.DependencyInjection;
using SalesReporting.Data.Demo;
using SalesReporting.Data.Sources;
using SalesReporting.Data.Targets;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Worker.Jobs;

namespace SalesReporting.Tests.Summary;

public sealed class MonthEndFanOutTests
{
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

            Assert.EndsWith("21 forms of 3 teams queued", result);
            var queued = storage.GetMonitoringApi().EnqueuedJobs("forms", 0, 100).Select(j => j.Value.Job).ToList();
            Assert.Equal(3, queued.Count);
            Assert.All(queued, j => Assert.Equal(nameof(RenderAndDeliverJob.RunTeamAsync), j.Method.Name));
            Assert.Equal(["T01", "T02", "T03"], queued.Select(j => (string)j.Args[1]).Order(StringComparer.Ordinal));
            Assert.All(queued, j => Assert.Equal("2026-10", j.Args[0]));
            Assert.All(queued, j => Assert.Equal(false, j.Args[2]));
        }
        finally
        {
            if (Directory.Exists(outDir)) Directory.Delete(outDir, true);
        }
    }
}
