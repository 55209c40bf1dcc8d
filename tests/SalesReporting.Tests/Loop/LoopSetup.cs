using System.Globalization;
using Dapper;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SalesReporting.Data;
using SalesReporting.Data.Actions;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Worker.Api;
using SalesReporting.Worker.Hosting;

namespace SalesReporting.Tests.Loop;

internal sealed class SilentLog : Hangfire.Logging.ILogProvider, Hangfire.Logging.ILog
{
    public Hangfire.Logging.ILog GetLogger(string name) => this;
    public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
}

/// <summary>A small organisation staged directly: team T1 (zh-CN, R1 and R2) and team T2 (zh-TW, R3).</summary>
public static class LoopSetup
{
    public const string Secret = "test-secret-0123456789-abcdefghijklmnop";

    public static async Task SeedAsync(TestDatabase db)
    {
        await Seed.Staging(db.Databases)
            .Team("T1", "华东一组", "华东", "王经理", "mgr1@x.example", "zh-CN")
            .Team("T2", "台北組", "台灣", "陳經理", "mgr2@x.example", "zh-TW")
            .Rep("R1", "T1", "李明", "r1@x.example", "2024-01-01")
            .Rep("R2", "T1", "张伟", "r2@x.example", "2024-01-01")
            .Rep("R3", "T2", "林志玲", "r3@x.example", "2024-01-01")
            .WriteAsync();
    }

    public static ActionFields Action(string rep = "R1", string problem = "回款慢", string due = "2026-11-10", string? checkpoint = "2026-11-05",
        string period = "2026-10", string? indicator = null, string owner = "owner1@x.example") =>
        new(rep, Period.Parse(period).Start, problem, "客户B 付款流程长", "market", "每周跟进客户B财务", "李明", owner,
            DateOnly.ParseExact(due, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            checkpoint is null ? null : DateOnly.ParseExact(checkpoint, "yyyy-MM-dd", CultureInfo.InvariantCulture), null, indicator, null);

    /// <summary>The worker's web app as `serve` maps it (API, acknowledgement page), on an in-memory server.</summary>
    /// <param name="services">more registrations, after the app's own (a later one wins)</param>
    public static async Task<WebApplication> StartWebAsync(TestDatabase db, TimeProvider clock, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Test" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Crm"] = db.Crm,
            ["ConnectionStrings:Finance"] = db.Finance,
            ["ConnectionStrings:Reporting"] = db.Reporting,
            ["Mail:PickupDirectory"] = Path.Combine(Path.GetTempPath(), "sr-loop-mail"),
            ["Acknowledgement:Secret"] = Secret,
            ["Acknowledgement:PublicBaseUrl"] = "https://reports.example.com",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.AddSalesReporting();
        builder.Services.AddSingleton(clock);
        // Hangfire's log provider is process-wide; tied to this app's logger factory it would outlive the app's
        // disposal and break the next test class that schedules jobs in the same process.
        builder.Services.AddHangfire(c => c.UseLogProvider(new SilentLog()).SetDataCompatibilityLevel(CompatibilityLevel.Version_180).UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(db.Reporting), new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true }));
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapClosedLoop();
        await app.StartAsync();
        return app;
    }
}

/// <summary>Hangfire's client on the app's storage that, while <see cref="FailAfter"/> is set, makes that many jobs and then
/// fails as a storage that went away would.</summary>
public sealed class FailingJobClient(Hangfire.JobStorage storage) : IBackgroundJobClient
{
    private readonly BackgroundJobClient inner = new(storage);
    private int madeSinceSet;
    public int? FailAfter { get; set { field = value; madeSinceSet = 0; } }
    /// <summary>Every job made, in order.</summary>
    public List<string> Created { get; } = [];

    public string Create(Hangfire.Common.Job job, Hangfire.States.IState state)
    {
        if (FailAfter is { } n && madeSinceSet >= n) throw new InvalidOperationException("the job storage went away");
        var id = inner.Create(job, state);
        Created.Add(id);
        madeSinceSet++;
        return id;
    }

    public bool ChangeState(string jobId, Hangfire.States.IState state, string expectedState) => inner.ChangeState(jobId, state, expectedState);
}
