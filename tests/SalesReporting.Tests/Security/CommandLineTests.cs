using Dapper;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Security;

/// <summary>
/// The worker's command line as a real process: a mistyped command, an unknown option or an extra argument is an error
/// with the usage and a non-zero exit, never a default action; a month that has not ended is not closed by mistake.
/// Nothing is written by a refused command.
/// </summary>
public sealed class CommandLineTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private Dictionary<string, string> env = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync("sr_cli");
        env = WorkerProcess.Environment(db, new Dictionary<string, string>
        {
            ["Mail__PickupDirectory"] = Path.Combine(Path.GetTempPath(), "sr-cli-mail"),
            ["Company__TimeZone"] = "Asia/Shanghai",
        });
    }

    public async Task DisposeAsync() => await db.DisposeAsync();

    private async Task AssertNothingWrittenAsync()
    {
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.delivery"));
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.target"));
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from staging.sync_run"));
    }

    [Fact]
    public async Task Indicators_export_and_import_round_trip_and_a_weight_warning_needs_accept_warnings_to_be_written()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("sr-cli-catalog-").FullName, "catalog.yaml");
        var (code, stdout, stderr) = await WorkerProcess.RunAsync(["indicators", "export", file], env, TimeSpan.FromMinutes(1));
        Assert.Equal((0, ""), (code, stderr));
        Assert.Contains($"catalog written to {file}", stdout, StringComparison.Ordinal);
        (code, stdout, _) = await WorkerProcess.RunAsync(["indicators", "import", file], env, TimeSpan.FromMinutes(1));
        Assert.Equal(0, code);
        Assert.Contains("no changes: the catalog is already as the file says", stdout, StringComparison.Ordinal);

        await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file)).Replace("revenue: 25, collection_rate: 15", "revenue: 30, collection_rate: 15", StringComparison.Ordinal));
        async Task<decimal> RevenueWeightAsync()
        {
            await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
            return await conn.ExecuteScalarAsync<decimal>("select weight from reporting.indicator_weight where team_id = '*' and indicator = 'revenue'");
        }
        (code, stdout, stderr) = await WorkerProcess.RunAsync(["indicators", "import", file], env, TimeSpan.FromMinutes(1));
        Assert.Equal(1, code);
        Assert.Contains("  weights of company default \"*\": revenue 25 → 30\n", stdout, StringComparison.Ordinal);
        Assert.Contains("warning: weights of the company default \"*\" sum to 105 over the enabled indicators, not 100\n", stdout, StringComparison.Ordinal);
        Assert.Contains("error: 1 warning(s); nothing was written. Correct the file, or add --accept-warnings to apply it as it is.", stderr, StringComparison.Ordinal);
        Assert.Equal(25m, await RevenueWeightAsync());

        (code, stdout, _) = await WorkerProcess.RunAsync(["indicators", "import", file, "--accept-warnings", "--dry-run"], env, TimeSpan.FromMinutes(1));
        Assert.Equal(0, code);
        Assert.Contains("dry run: 1 change(s) not applied", stdout, StringComparison.Ordinal);
        Assert.Equal(25m, await RevenueWeightAsync());

        (code, stdout, _) = await WorkerProcess.RunAsync(["indicators", "import", file, "--accept-warnings"], env, TimeSpan.FromMinutes(1));
        Assert.Equal(0, code);
        Assert.Contains("applied 1 change(s); the next compute uses them", stdout, StringComparison.Ordinal);
        Assert.Equal(30m, await RevenueWeightAsync());

        (code, _, stderr) = await WorkerProcess.RunAsync(["indicators", "test", "--code", "revenu", "--period", "2026-10"], env, TimeSpan.FromMinutes(1));
        Assert.Equal(1, code);
        Assert.Equal("error: --code 'revenu' is not an indicator of the catalog (indicators export lists them).", stderr.Trim());
    }

    [Fact]
    public async Task A_mistyped_command_is_an_error_with_the_usage_and_starts_no_server()
    {
        var (code, stdout, stderr) = await WorkerProcess.RunAsync(["mirgate"], env, TimeSpan.FromMinutes(1));
        Assert.Equal(1, code);
        Assert.Contains("Unrecognized command or argument 'mirgate'.", stderr, StringComparison.Ordinal);
        Assert.Contains("Did you mean one of the following?", stdout + stderr, StringComparison.Ordinal);
        Assert.Contains("Usage:", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_command_at_all_is_an_error_with_the_usage_naming_serve()
    {
        var (code, stdout, stderr) = await WorkerProcess.RunAsync([], env, TimeSpan.FromMinutes(1));
        Assert.Equal(1, code);
        Assert.Contains("Required command was not provided.", stderr, StringComparison.Ordinal);
        Assert.Contains("Start the server with `serve`.", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_option_is_refused_before_anything_runs()
    {
        var (code, stdout, stderr) = await WorkerProcess.RunAsync(["month-end", "--period", "2026-10", "--resnd"], env, TimeSpan.FromMinutes(1));
        Assert.Equal(1, code);
        Assert.Contains("Unrecognized command or argument '--resnd'.", stderr, StringComparison.Ordinal);
        Assert.Contains("--resend", stdout, StringComparison.Ordinal); // the suggestion and the usage
        await AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task An_extra_option_on_an_import_is_refused_and_nothing_is_imported()
    {
        var file = Path.Combine(Path.GetTempPath(), $"sr-cli-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "rep_id,period,indicator,target\nR001,2026-10,revenue,100000\n");
        var (code, _, stderr) = await WorkerProcess.RunAsync(["import", "targets", file, "--dry-run"], env, TimeSpan.FromMinutes(1));
        File.Delete(file);
        Assert.Equal(1, code);
        Assert.Contains("Unrecognized command or argument '--dry-run'.", stderr, StringComparison.Ordinal);
        await AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task A_month_that_has_not_ended_is_refused_unless_asked_for_plainly()
    {
        var (code, _, stderr) = await WorkerProcess.RunAsync(["month-end", "--period", "2062-10"], env, TimeSpan.FromMinutes(1));
        Assert.Equal(1, code);
        Assert.StartsWith("error: 2062-10 has not ended yet (today is ", stderr, StringComparison.Ordinal);
        Assert.Contains(" in Asia/Shanghai); month-end closes a month that is over. Add --allow-open-period to run it anyway.", stderr, StringComparison.Ordinal);
        await AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task A_period_that_is_not_a_month_and_wait_without_enqueue_are_named()
    {
        var (code, _, stderr) = await WorkerProcess.RunAsync(["month-end", "--period", "2026-13", "--wait"], env, TimeSpan.FromMinutes(1));
        Assert.Equal(1, code);
        Assert.Contains("--period '2026-13' is not a month: expected YYYY-MM, e.g. 2026-10.", stderr, StringComparison.Ordinal);
        Assert.Contains("--wait goes with --enqueue (an in-process run always waits).", stderr, StringComparison.Ordinal);
        await AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task Pacing_names_a_date_that_is_not_one_and_a_holiday_that_is_not_a_date_and_runs_for_the_day_given()
    {
        var (code, _, stderr) = await WorkerProcess.RunAsync(["pacing", "--date", "2026-11-31"], env, TimeSpan.FromMinutes(1));
        Assert.Equal(1, code);
        Assert.Contains("--date '2026-11-31' is not a date: expected YYYY-MM-DD, e.g. 2026-11-23.", stderr, StringComparison.Ordinal);

        var badHoliday = new Dictionary<string, string>(env) { ["Pacing__Holidays__0"] = "2026/10/01" };
        (code, _, stderr) = await WorkerProcess.RunAsync(["pacing", "--date", "2026-11-23"], badHoliday, TimeSpan.FromMinutes(1));
        Assert.Equal(3, code);
        Assert.Contains("Pacing:Holidays:0 '2026/10/01' is not a date: expected YYYY-MM-DD, for example 2026-10-01.", stderr, StringComparison.Ordinal);
        await AssertNothingWrittenAsync();

        // No team in this organisation: nothing to send, and the run says which week and month it covered.
        (code, var stdout, _) = await WorkerProcess.RunAsync(["pacing", "--date", "2026-11-23"], env, TimeSpan.FromMinutes(1));
        Assert.Equal(0, code);
        Assert.Contains("pacing 2026-11-23 (week of 2026-11-23, 2026-11 through 2026-11-22): 0 sent, 0 already sent, 0 failed", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quarter_or_a_year_that_has_not_ended_is_refused_and_wait_is_not_for_them()
    {
        var (code, _, stderr) = await WorkerProcess.RunAsync(["month-end", "--period", "2062-Q1"], env, TimeSpan.FromMinutes(1));
        Assert.Equal(1, code);
        Assert.StartsWith("error: 2062-Q1 has not ended yet (today is ", stderr, StringComparison.Ordinal);
        Assert.Contains("its review closes a quarter or a year that is over. Add --allow-open-period to run it anyway.", stderr, StringComparison.Ordinal);
        (code, _, stderr) = await WorkerProcess.RunAsync(["month-end", "--period", "2026", "--enqueue", "--wait"], env, TimeSpan.FromMinutes(1));
        Assert.Equal(1, code);
        Assert.Contains("--wait follows a month's team jobs; a quarter or a year runs as one job", stderr, StringComparison.Ordinal);
        (code, _, stderr) = await WorkerProcess.RunAsync(["month-end", "--period", "2026-Q5"], env, TimeSpan.FromMinutes(1));
        Assert.Equal(1, code);
        Assert.Contains("--period '2026-Q5' is not a month: expected YYYY-MM, e.g. 2026-10. A quarter is YYYY-Qn (2026-Q3), a year YYYY (2026).", stderr, StringComparison.Ordinal);
        await AssertNothingWrittenAsync();
    }

    private const string ServeExpected =
        "expected --urls, --environment, --contentRoot, --applicationName or a setting as --Section:Key value (e.g. --Hangfire:Server false).";

    [Theory]
    [InlineData(new[] { "--ulrs", "http://127.0.0.1:1" }, "serve: unknown option '--ulrs'; " + ServeExpected)]
    [InlineData(new[] { "extra" }, "serve: unexpected argument 'extra'; " + ServeExpected)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:1", "extra" }, "serve: unexpected argument 'extra'; " + ServeExpected)]
    [InlineData(new[] { "-u", "http://127.0.0.1:1" }, "serve: unknown option '-u'; " + ServeExpected)]
    [InlineData(new[] { "--Hangfire=false" }, "serve: unknown option '--Hangfire=false'; " + ServeExpected)]
    [InlineData(new[] { "--urls" }, "serve: '--urls' needs a value (e.g. --urls http://127.0.0.1:5000).")]
    public async Task Serve_refuses_what_is_not_a_host_switch_or_a_setting_with_the_usage_and_starts_nothing(string[] rest, string message)
    {
        var (code, stdout, stderr) = await WorkerProcess.RunAsync(["serve", .. rest], env, TimeSpan.FromMinutes(1));
        Assert.Equal(1, code);
        Assert.Equal(message, stderr.Trim());
        Assert.Contains("Usage:", stdout, StringComparison.Ordinal);
        Assert.Contains("serve [options]", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_takes_the_host_switches_and_settings_in_both_forms()
    {
        var port = SmtpSink.FreePort();
        var log = new System.Text.StringBuilder();
        using var server = WorkerProcess.Start(["serve", "--urls", $"http://127.0.0.1:{port}", "--environment", "Production",
            "--Hangfire:Server=false", "--Acknowledgement:Secret", LoopSecret, $"--Acknowledgement:PublicBaseUrl=http://127.0.0.1:{port}"], env, log);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var guard = System.Diagnostics.Stopwatch.StartNew(); // a hang guard, not a timing
            HttpResponseMessage? live = null;
            while (live is null && !server.HasExited && guard.Elapsed < TimeSpan.FromMinutes(2))
            {
                try { live = await client.GetAsync(new Uri("/health/live", UriKind.Relative)); }
                catch (HttpRequestException) { await Task.Delay(250); }
            }
            Assert.True(live is not null, "serve did not answer on the port of --urls: " + log);
            Assert.Equal(System.Net.HttpStatusCode.OK, live!.StatusCode);
            live.Dispose();
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private const string LoopSecret = "test-secret-0123456789-abcdefghijklmnop";
}
