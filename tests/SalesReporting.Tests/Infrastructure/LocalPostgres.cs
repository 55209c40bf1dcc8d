using System.Diagnostics;
using Dapper;
using Npgsql;

namespace SalesReporting.Tests.Infrastructure;

/// <summary>
/// The test PostgreSQL server itself (the private cluster scripts/test starts): restarted for real with
/// <c>pg_ctl restart -m fast</c>, as an administrator or a package upgrade does. Every connection to it is cut and the
/// server refuses new ones until it is up again. Only tests of the <see cref="DatabaseRestartCollection"/> do this: that
/// collection runs alone, after every other test.
/// </summary>
public static class LocalPostgres
{
    /// <summary>Restarts the server and returns its start times before and after (pg_postmaster_start_time), which
    /// prove that it was a restart.</summary>
    public static async Task<(DateTime Before, DateTime After)> RestartAsync()
    {
        string dataDirectory;
        int major;
        DateTime before;
        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Templates.Admin) { Pooling = false }.ConnectionString))
        {
            await admin.OpenAsync();
            dataDirectory = await admin.QuerySingleAsync<string>("select current_setting('data_directory')");
            major = await admin.QuerySingleAsync<int>("select current_setting('server_version_num')::int / 10000");
            before = await admin.QuerySingleAsync<DateTime>("select pg_postmaster_start_time()");
        }
        Assert.True(Directory.Exists(dataDirectory),
            $"the test server's data directory {dataDirectory} is not on this machine: a restart test needs the local cluster of scripts/test");
        var pgCtl = $"/usr/lib/postgresql/{major}/bin/pg_ctl";
        Assert.True(File.Exists(pgCtl), $"pg_ctl of PostgreSQL {major} is not at {pgCtl}");
        // scripts/test runs the cluster as `postgres` when started by root (initdb and pg_ctl refuse root).
        var start = new ProcessStartInfo(Environment.UserName == "root" ? "runuser" : pgCtl)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (Environment.UserName == "root") foreach (var a in new[] { "-u", "postgres", "--", pgCtl }) start.ArgumentList.Add(a);
        // restart keeps the options the server was started with (postmaster.opts): its port, socket folder and settings.
        foreach (var a in new[] { "-D", dataDirectory, "-l", Path.Combine(Path.GetDirectoryName(dataDirectory)!, "postgres.log"), "-w", "-t", "120", "-m", "fast", "restart" })
            start.ArgumentList.Add(a);
        using (var process = Process.Start(start)!)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"pg_ctl restart: {process.ExitCode} {await stdout} {await stderr}");
        }
        // This test process's pools hold connections the restart closed.
        NpgsqlConnection.ClearAllPools();
        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Templates.Admin) { Pooling = false }.ConnectionString))
        {
            await admin.OpenAsync();
            return (before, await admin.QuerySingleAsync<DateTime>("select pg_postmaster_start_time()"));
        }
    }
}

/// <summary>Tests that restart the shared test server: run one at a time, after every test of the parallel collections
/// (xunit runs a collection that disables parallelization after the others).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DatabaseRestartCollection
{
    public const string Name = "PostgreSQL restarts";
}
