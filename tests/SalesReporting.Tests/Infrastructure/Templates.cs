using System.Security.Cryptography;
using Dapper;
using Npgsql;
using SalesReporting.Data;

namespace SalesReporting.Tests.Infrastructure;

/// <summary>
/// The databases every test database is copied from (<c>create database x template t</c>): crm and finance with the
/// source schemas of sql/sources, reporting migrated by <see cref="Migrator"/>. Built once per run, not once per
/// test class. Their names carry a hash of the scripts and the migrator they were built with, so a template of other
/// scripts (an earlier run's) is never taken for this run's.
/// </summary>
public static class Templates
{
    // Test processes started side by side on one server (two `dotnet test` runs) build the templates one at a time.
    private const long BuildLock = 0x5352_5445_4d50; // "SRTEMP"

    private static readonly Lazy<Task<string[]>> Built = new(BuildAsync);

    public static string Admin { get; } = Environment.GetEnvironmentVariable("SALESREPORTING_TEST_PG")
        ?? throw new InvalidOperationException("SALESREPORTING_TEST_PG is not set: run the tests with scripts/test, which starts PostgreSQL and sets it.");

    /// <summary>The crm, finance and reporting templates of this run's scripts, built by the first caller.</summary>
    public static Task<string[]> ForThisRunAsync() => Built.Value;

    private static async Task<string[]> BuildAsync()
    {
        var sources = Path.Combine(AppContext.BaseDirectory, "sql", "sources");
        var hash = ScriptsHash(sources);
        string[] names = [$"sr_template_{hash}_crm", $"sr_template_{hash}_finance", $"sr_template_{hash}_reporting"];

        // Without pooling, every connection closes when its work is done: the lock is released with this one, and
        // a template cannot be copied while anyone is connected to it.
        var b = new NpgsqlConnectionStringBuilder(Admin) { Pooling = false };
        string For(string db) { b.Database = db; return b.ConnectionString; }
        await using var conn = new NpgsqlConnection(b.ConnectionString);
        await conn.OpenAsync();
        await conn.ExecuteAsync("select pg_advisory_lock(@BuildLock)", new { BuildLock });
        // is_template is set last: a template left half-built by a killed run is not complete and is built again.
        if (await conn.ExecuteScalarAsync<int>("select count(*) from pg_database where datname = any(@names) and datistemplate", new { names }) == names.Length)
            return names;

        // Templates of other scripts are of no further use, and a half-built one of these is rebuilt whole.
        foreach (var old in await conn.QueryAsync<string>(@"select datname from pg_database where datname like 'sr\_template\_%'"))
        {
            await conn.ExecuteAsync($"alter database {old} is_template false");
            await conn.ExecuteAsync($"drop database {old}");
        }
        foreach (var name in names)
            await conn.ExecuteAsync($"create database {name}");

        await using (var crm = new NpgsqlConnection(For(names[0])))
            await crm.ExecuteAsync(await File.ReadAllTextAsync(Path.Combine(sources, "crm.sql")));
        await using (var finance = new NpgsqlConnection(For(names[1])))
            await finance.ExecuteAsync(await File.ReadAllTextAsync(Path.Combine(sources, "finance.sql")));
        Migrator.Migrate(For(names[2]));

        foreach (var name in names)
            await conn.ExecuteAsync($"alter database {name} is_template true");
        return names;
    }

    /// <summary>
    /// The source schemas and the Data assembly, whose identity (a deterministic build's module version id) changes
    /// with any of its embedded scripts and with the migrator's code.
    /// </summary>
    private static string ScriptsHash(string sources)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.GetFiles(sources, "*.sql").Order(StringComparer.Ordinal))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file)));
            sha.AppendData(File.ReadAllBytes(file));
        }
        sha.AppendData(typeof(Migrator).Assembly.ManifestModule.ModuleVersionId.ToByteArray());
        return Convert.ToHexStringLower(sha.GetCurrentHash())[..12];
    }
}
