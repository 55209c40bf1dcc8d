using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using SalesReporting.Data;
using SalesReporting.Worker.Hosting;

namespace SalesReporting.Tests.Infrastructure;

/// <summary>
/// Three fresh databases (crm, finance, reporting) on the PostgreSQL server scripts/test started,
/// named after the test class so classes run side by side. No server is a failure, not a skip.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public string Crm { get; }
    public string Finance { get; }
    public string Reporting { get; }
    public Databases Databases { get; }
    private readonly string admin;
    private readonly string[] names;

    private TestDatabase(string prefix)
    {
        admin = Environment.GetEnvironmentVariable("SALESREPORTING_TEST_PG")
            ?? throw new InvalidOperationException("SALESREPORTING_TEST_PG is not set: run the tests with scripts/test, which starts PostgreSQL and sets it.");
        names = [$"{prefix}_crm", $"{prefix}_finance", $"{prefix}_reporting"];
        var b = new NpgsqlConnectionStringBuilder(admin);
        string For(string db) { b.Database = db; b.Pooling = true; return b.ConnectionString; }
        Crm = For(names[0]); Finance = For(names[1]); Reporting = For(names[2]);
        Databases = Databases.Create(Crm, Finance, Reporting);
    }

    public static async Task<TestDatabase> CreateAsync(string prefix)
    {
        var db = new TestDatabase(prefix.ToLowerInvariant());
        await using (var conn = new NpgsqlConnection(db.admin))
        {
            await conn.OpenAsync();
            foreach (var name in db.names)
            {
                await conn.ExecuteAsync($"drop database if exists {name} with (force)");
                await conn.ExecuteAsync($"create database {name}");
            }
        }
        var dir = Path.Combine(AppContext.BaseDirectory, "sql", "sources");
        await using (var crm = await db.Databases.Crm.OpenConnectionAsync())
            await crm.ExecuteAsync(await File.ReadAllTextAsync(Path.Combine(dir, "crm.sql")));
        await using (var finance = await db.Databases.Finance.OpenConnectionAsync())
            await finance.ExecuteAsync(await File.ReadAllTextAsync(Path.Combine(dir, "finance.sql")));
        Migrator.Migrate(db.Reporting);
        return db;
    }

    /// <summary>The worker's services over these databases, with the given extra settings and clock.</summary>
    public IHost BuildHost(IDictionary<string, string?> settings, TimeProvider? clock = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Crm"] = Crm,
            ["ConnectionStrings:Finance"] = Finance,
            ["ConnectionStrings:Reporting"] = Reporting,
            ["Mail:RetryDelayMilliseconds"] = "50",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddSalesReporting();
        if (clock is not null) builder.Services.AddSingleton(clock);
        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        await Databases.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
    }
}

/// <summary>The one fake: a clock fixed at a given instant.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}
