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
/// named after the test class so classes run side by side; a name already in use in this run (two classes sharing one
/// fixture type, each with its own instance) gets a number, so no instance drops another's databases. Each is a copy of a template migrated once
/// per run (<see cref="Templates"/>). No server is a failure, not a skip.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public string Crm { get; }
    public string Finance { get; }
    public string Reporting { get; }
    public Databases Databases { get; }
    private readonly string[] names;
    private readonly string prefix;

    /// <summary>The prefixes of the databases alive in this process.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> Live = new(StringComparer.Ordinal);

    private TestDatabase(string prefix)
    {
        this.prefix = prefix;
        names = [$"{prefix}_crm", $"{prefix}_finance", $"{prefix}_reporting"];
        var b = new NpgsqlConnectionStringBuilder(Templates.Admin);
        string For(string db) { b.Database = db; b.Pooling = true; return b.ConnectionString; }
        Crm = For(names[0]); Finance = For(names[1]); Reporting = For(names[2]);
        Databases = Databases.Create(Crm, Finance, Reporting);
    }

    /// <summary>crm and finance with the source schemas, reporting migrated to this build.</summary>
    public static Task<TestDatabase> CreateAsync(string prefix) => CreateAsync(prefix, migratedReporting: true);

    /// <summary>crm and finance with the source schemas, reporting an empty database for the test to build itself.</summary>
    public static Task<TestDatabase> CreateWithEmptyReportingAsync(string prefix) => CreateAsync(prefix, migratedReporting: false);

    private static async Task<TestDatabase> CreateAsync(string prefix, bool migratedReporting)
    {
        var templates = await Templates.ForThisRunAsync();
        var name = prefix.ToLowerInvariant();
        for (var n = 2; !Live.TryAdd(name, 0); n++) name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{prefix.ToLowerInvariant()}_{n}");
        var db = new TestDatabase(name);
        await using var conn = new NpgsqlConnection(Templates.Admin);
        await conn.OpenAsync();
        for (var i = 0; i < db.names.Length; i++)
        {
            await conn.ExecuteAsync($"drop database if exists {db.names[i]} with (force)");
            var copy = migratedReporting || i < 2 ? $" template {templates[i]}" : "";
            await conn.ExecuteAsync($"create database {db.names[i]}{copy}");
        }
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
        Live.TryRemove(prefix, out _);
    }
}

/// <summary>The one fake: a clock fixed at a given instant.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}
