using Dapper;
using DbUp;
using DbUp.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SalesReporting.Data;
using SalesReporting.Demo;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Sources;
using SalesReporting.Data.Targets;
using SalesReporting.Reports.Delivery;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Worker.Jobs;

namespace SalesReporting.Tests.Migrations;

/// <summary>
/// A reporting database as the migrations landed by 2026-11-29 left it (Fixtures/migrations-2026-11-29, run and
/// journaled as the migrator of that day ran them; not copied from the template), upgraded by this build's
/// migrator, then October 2026 closed on it for the demo organisation.
/// </summary>
public sealed class UpgradeFixture : IAsyncLifetime
{
    public const string Prefix = "fixtures/migrations-2026-11-29/";
    public static readonly Period October = new(2026, 10);
    public TestDatabase Db { get; private set; } = null!;
    public IReadOnlyList<string> Landed { get; private set; } = [];
    public IReadOnlyList<string> Upgrade { get; private set; } = [];
    public MonthEndResult Close { get; private set; } = null!;
    private readonly string outDir = Directory.CreateTempSubdirectory("sr-upgrade-").FullName;

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateWithEmptyReportingAsync("sr_upgrade");
        var assembly = typeof(UpgradeFixture).Assembly;
        var scripts = assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(n =>
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
            return new SqlScript("migrations." + n[Prefix.Length..], reader.ReadToEnd());
        });
        var landed = DeployChanges.To
            .PostgresqlDatabase(Db.Reporting)
            .WithScripts(scripts)
            .WithTransactionPerScript()
            .WithVariablesDisabled()
            .JournalToPostgresqlTable("public", "schema_versions")
            .LogToNowhere()
            .Build()
            .PerformUpgrade();
        Assert.True(landed.Successful, landed.Error?.ToString());
        Landed = landed.Scripts.Select(s => s.Name).ToList();

        Upgrade = Migrator.Migrate(Db.Reporting);

        using var host = Db.BuildHost(new Dictionary<string, string?> { ["Mail:PickupDirectory"] = outDir },
            new FixedClock(new DateTimeOffset(2026, 11, 1, 6, 0, 0, TimeSpan.FromHours(8))));
        var demo = await DemoOrganisation.GenerateAsync(Db.Databases, outDir, default);
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        await host.Services.GetRequiredService<TargetImport>().ImportAsync(demo.TargetsFile, default);
        Close = await host.Services.GetRequiredService<MonthEndJob>().RunInProcessAsync(October, false, null, default);
    }

    public async Task DisposeAsync()
    {
        await Db.DisposeAsync();
        Directory.Delete(outDir, true);
    }
}

public sealed class UpgradeTests(UpgradeFixture f) : IClassFixture<UpgradeFixture>
{
    private sealed record Row(string Indicator, decimal? Actual, decimal? Target, decimal? Completion);

    [Fact]
    public void The_upgrade_runs_no_landed_migration_again_and_applies_every_definition()
    {
        Assert.Equal(13, f.Landed.Count);
        Assert.DoesNotContain(f.Upgrade, f.Landed.Contains);
        Assert.Equal(Migrator.Definitions().Select(s => s.Name), f.Upgrade.Where(n => n.StartsWith("definitions/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Every_rep_has_their_form_delivered_after_closing_a_month_on_the_upgraded_database()
    {
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        var reps = (await conn.QueryAsync<string>("select rep_id from staging.reps where active order by rep_id")).ToList();
        var delivered = (await conn.QueryAsync<string>(
            "select subject_id from reporting.delivery where kind = 'rep_form' and period = '2026-10-01' and status = 'sent' order by subject_id")).ToList();
        Assert.Equal(21, reps.Count);
        Assert.Equal(reps, delivered);
        Assert.All(f.Close.Deliveries, d => Assert.Equal(DeliveryOutcome.Sent, d.Outcome));
        Assert.Equal(3L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.delivery where kind = 'team_summary' and period = '2026-10-01' and status = 'sent'"));
    }

    [Fact]
    public async Task The_example_rep_has_the_figures_of_a_fresh_database_on_the_upgraded_one()
    {
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        var rows = (await conn.QueryAsync<Row>(
            "select indicator, actual, target, completion from reporting.indicator_result where period = '2026-10-01' and rep_id = 'R001'"))
            .ToDictionary(r => r.Indicator);
        void Check(string code, decimal actual, decimal target, decimal completion)
        {
            Assert.Equal(actual, Math.Round(rows[code].Actual!.Value, 4));
            Assert.Equal(target, rows[code].Target);
            Assert.Equal(completion, Scoring.Round1(rows[code].Completion!.Value));
        }
        // The figures MonthEndPipelineTests reads on a freshly migrated database.
        Check("revenue", 85m, 100m, 85.0m);
        Check("collection_rate", 75m, 90m, 83.3m);
        Check("new_customers", 12m, 15m, 80.0m);
        Check("visits", 100m, 120m, 83.3m);
        Check("lead_conversion", 18m, 25m, 72.0m);
        Check("proposals", 25m, 30m, 83.3m);
    }
}
