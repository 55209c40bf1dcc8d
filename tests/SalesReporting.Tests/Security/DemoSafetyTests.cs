using System.Diagnostics;
using Dapper;
using Npgsql;
using SalesReporting.Demo;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Security;

/// <summary>
/// `demo` replaces the source tables of the crm and finance databases it is pointed at: it refuses databases whose tables
/// hold rows it did not write (nothing changed in either), unless told plainly with --replace-existing; its own databases
/// (the marker table it writes, or @demo.example people from an older demo) it replaces again and again.
/// </summary>
public sealed class DemoSafetyTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private readonly string outDir = Directory.CreateTempSubdirectory("sr-demo-safety-").FullName;

    public async Task InitializeAsync() => db = await TestDatabase.CreateAsync("sr_demo_safety");

    public async Task DisposeAsync()
    {
        await db.DisposeAsync();
        Directory.Delete(outDir, true);
    }

    private static string Where(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"database {b.Database} on {b.Host}:{b.Port}";
    }

    private async Task SeedRealCrmAsync()
    {
        await new Seed(db.Databases)
            .Team("SH1", "上海一部", "华东", "赵总", "zhao@corp.example", "zh-CN")
            .Rep("E1001", "SH1", "钱一", "qian@corp.example", "2018-01-01").Rep("E1002", "SH1", "孙二", "sun@corp.example", "2019-01-01")
            .WriteAsync();
    }

    private async Task<long> CountAsync(string sql, bool finance = false)
    {
        await using var conn = await (finance ? db.Databases.Finance : db.Databases.Crm).OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>(sql);
    }

    [Fact]
    public async Task A_CRM_holding_rows_the_demo_did_not_write_is_refused_and_nothing_changes_in_either_database()
    {
        await SeedRealCrmAsync();
        var ex = await Assert.ThrowsAsync<DemoRefusedException>(() => DemoOrganisation.GenerateAsync(db.Databases, outDir, default));
        Assert.Equal($"ConnectionStrings:Crm ({Where(db.Crm)}) holds rows the demo did not write (crm.teams: 1 row, crm.reps: 2 rows). "
            + "The demo replaces these tables and would delete those rows, so nothing was changed: point the connection strings at databases of their own "
            + "for the demo, or add --replace-existing to replace the tables anyway.", ex.Message);
        Assert.Equal(2, await CountAsync("select count(*) from crm.reps where email like '%@corp.example'"));
        Assert.Equal(0, await CountAsync("select count(*) from crm.customers"));
        Assert.Equal(0, await CountAsync("select count(*) from pg_tables where tablename = 'demo_marker'"));
        Assert.Equal(0, await CountAsync("select count(*) from finance.invoices", finance: true));
        Assert.False(File.Exists(Path.Combine(outDir, "targets.csv")));
    }

    [Fact]
    public async Task A_finance_system_with_invoices_of_other_reps_is_refused_even_when_the_CRM_is_empty()
    {
        await new Seed(db.Databases).Invoice("INV-1", "CU-1", "E1001", "2026-10-02", "2026-11-01", 1000, 600).WriteAsync();
        var ex = await Assert.ThrowsAsync<DemoRefusedException>(() => DemoOrganisation.GenerateAsync(db.Databases, outDir, default));
        Assert.StartsWith($"ConnectionStrings:Finance ({Where(db.Finance)}) holds rows the demo did not write (finance.invoices: 1 row).", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync("select count(*) from crm.reps"));
        Assert.Equal(1, await CountAsync("select count(*) from finance.invoices", finance: true));
    }

    [Fact]
    public async Task With_replace_existing_the_tables_are_replaced_and_marked_as_the_demos()
    {
        await SeedRealCrmAsync();
        var summary = await DemoOrganisation.GenerateAsync(db.Databases, outDir, default, replaceExisting: true);
        Assert.Equal(21, summary.Reps);
        Assert.Equal(0, await CountAsync("select count(*) from crm.reps where email like '%@corp.example'"));
        Assert.Equal(21, await CountAsync("select count(*) from crm.reps"));
        Assert.Equal(1, await CountAsync("select count(*) from crm.demo_marker"));
        Assert.Equal(1, await CountAsync("select count(*) from finance.demo_marker", finance: true));
    }

    [Fact]
    public async Task The_demo_replaces_its_own_databases_again_by_its_marker_and_those_an_older_demo_wrote_by_their_people()
    {
        await DemoOrganisation.GenerateAsync(db.Databases, outDir, default);
        await DemoOrganisation.GenerateAsync(db.Databases, outDir, default); // by the marker
        Assert.Equal(21, await CountAsync("select count(*) from crm.reps"));

        // As an older demo left them: no marker, every person at @demo.example, every invoice of R001–R021.
        await using (var crm = await db.Databases.Crm.OpenConnectionAsync()) await crm.ExecuteAsync("drop table crm.demo_marker");
        await using (var fin = await db.Databases.Finance.OpenConnectionAsync()) await fin.ExecuteAsync("drop table finance.demo_marker");
        await DemoOrganisation.GenerateAsync(db.Databases, outDir, default);
        Assert.Equal(21, await CountAsync("select count(*) from crm.reps"));
        Assert.Equal(1, await CountAsync("select count(*) from crm.demo_marker"));

        // One real person added to the demo's CRM after its marker is gone makes it someone's data.
        await using (var crm = await db.Databases.Crm.OpenConnectionAsync())
            await crm.ExecuteAsync("drop table crm.demo_marker");
        await new Seed(db.Databases).Rep("E1", "T01", "新人", "new@corp.example", "2026-11-01").WriteAsync();
        await Assert.ThrowsAsync<DemoRefusedException>(() => DemoOrganisation.GenerateAsync(db.Databases, outDir, default));
        Assert.Equal(22, await CountAsync("select count(*) from crm.reps"));
    }

    [Fact]
    public async Task The_demo_command_refuses_with_one_line_and_exit_code_1()
    {
        await SeedRealCrmAsync();
        var dll = Path.Combine(WorkerProcess.RepoRoot(), "tools", "Demo", "bin", "Release", "net10.0", "SalesReporting.Demo.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "demo", "--out", outDir }) start.ArgumentList.Add(a);
        foreach (var (k, v) in WorkerProcess.Environment(db)) start.Environment[k] = v;
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        Assert.Equal(1, process.ExitCode);
        Assert.Equal($"error: ConnectionStrings:Crm ({Where(db.Crm)}) holds rows the demo did not write (crm.teams: 1 row, crm.reps: 2 rows). "
            + "The demo replaces these tables and would delete those rows, so nothing was changed: point the connection strings at databases of their own "
            + "for the demo, or add --replace-existing to replace the tables anyway.", (await stderr).Trim());
        Assert.Equal("", (await stdout).Trim());
        Assert.Equal(2, await CountAsync("select count(*) from crm.reps"));
    }
}
