using System.Net;
using System.Net.Sockets;
using Dapper;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Security;

/// <summary>
/// The worker as a real process when something is wrong: one line on standard error that says what and what to do, the
/// detail (the stack) in a log file named on it; settings checked at start before anything is changed, with exit code 3,
/// under `serve` too.
/// </summary>
public sealed class FailureMessageTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private readonly string root = Directory.CreateTempSubdirectory("sr-fail-").FullName;
    private string ErrorDir => Path.Combine(root, "errors");

    public async Task InitializeAsync() => db = await TestDatabase.CreateAsync("sr_fail");

    public async Task DisposeAsync()
    {
        await db.DisposeAsync();
        Directory.Delete(root, true);
    }

    private Dictionary<string, string> Env(params (string Key, string Value)[] more)
    {
        var env = WorkerProcess.Environment(db, new Dictionary<string, string>
        {
            ["Mail__PickupDirectory"] = Path.Combine(root, "mail"),
            ["Logging__ErrorDirectory"] = ErrorDir,
            ["Acknowledgement__Secret"] = "test-secret-0123456789-abcdefghijklmnop",
            ["Acknowledgement__PublicBaseUrl"] = "https://reports.example.com",
        });
        foreach (var (k, v) in more) env[k] = v;
        return env;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void AssertNoStack(string text) => Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);

    private async Task AssertNothingWrittenAsync()
    {
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from staging.sync_run"));
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.delivery where kind <> 'reminder'"));
    }

    // Every test has databases of its own (xunit makes the class again for each).
    private Task SeedOnceAsync() => Loop.LoopSetup.SeedAsync(db);

    /// <summary>The one line, and the detail file it names holding the stack.</summary>
    private string DetailOf(string line)
    {
        var at = line.LastIndexOf(" (details: ", StringComparison.Ordinal);
        Assert.True(at > 0, line);
        var file = line[(at + " (details: ".Length)..^1];
        Assert.Equal(ErrorDir, Path.GetDirectoryName(file));
        var detail = File.ReadAllText(file);
        Assert.Contains("   at ", detail, StringComparison.Ordinal);
        return line[..at];
    }

    [Fact]
    public async Task A_malformed_connection_string_stops_the_start_naming_the_setting_and_nothing_is_written()
    {
        var (code, _, err) = await WorkerProcess.RunAsync(["sync"], Env(("ConnectionStrings__Crm", "Hots=x;Database=crm")), TimeSpan.FromMinutes(2));
        Assert.Equal(3, code);
        Assert.Equal("configuration error: ConnectionStrings:Crm is not a valid connection string (Couldn't set hots (Parameter 'hots')); "
            + "expected keywords and values such as Host=db.example.com;Port=5432;Database=crm;Username=reporting.", err.Trim());
        await AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task A_database_that_cannot_be_reached_is_named_by_its_setting_in_one_line_with_the_detail_in_the_log()
    {
        var port = ClosedPort();
        var (code, stdout, err) = await WorkerProcess.RunAsync(["sync"],
            Env(("ConnectionStrings__Finance", $"Host=127.0.0.1;Port={port};Database=finance;Username=postgres;Timeout=5")), TimeSpan.FromMinutes(2));
        Assert.Equal(1, code);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal($"error: cannot connect to ConnectionStrings:Finance (database finance on 127.0.0.1:{port}): Failed to connect to 127.0.0.1:{port}. "
            + "Check that the server is running and the connection string is right.", DetailOf(line));
        AssertNoStack(stdout + err);
    }

    [Fact]
    public async Task A_forms_folder_that_cannot_be_written_stops_a_resend_before_anything_changes()
    {
        var file = Path.Combine(root, "a-file");
        await File.WriteAllTextAsync(file, "not a folder");
        var forms = Path.Combine(file, "forms");
        var (code, stdout, err) = await WorkerProcess.RunAsync(["month-end", "--period", "2026-10", "--resend"],
            Env(("Forms__OutputDirectory", forms)), TimeSpan.FromMinutes(2));
        Assert.Equal(3, code);
        Assert.Equal($"configuration error: Forms:OutputDirectory '{forms}' cannot be written (Could not find a part of the path '{forms}'); "
            + "expected a folder this user may create files in (it is created when missing).", err.Trim());
        AssertNoStack(stdout);
        await AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task A_forms_folder_that_is_missing_is_created_at_start()
    {
        var forms = Path.Combine(root, "new", "forms");
        var (code, _, err) = await WorkerProcess.RunAsync(["deliveries", "--period", "2026-10"], Env(("Forms__OutputDirectory", forms)), TimeSpan.FromMinutes(2));
        Assert.True(code == 0, err);
        Assert.True(Directory.Exists(forms));
        Assert.Empty(Directory.GetFiles(forms)); // the probe is gone
    }

    [Theory]
    [InlineData("not an address")]
    [InlineData("reports")]      // MimeKit reads a bare word as an address without a domain
    [InlineData("not-an-email")]
    public async Task Mail_from_that_is_not_an_address_stops_the_start(string from)
    {
        var (code, _, err) = await WorkerProcess.RunAsync(["sync"], Env(("Mail__From", from)), TimeSpan.FromMinutes(2));
        Assert.Equal(3, code);
        Assert.Equal("configuration error: Mail:From is not an email address (e.g. \"Sales Reports <reports@example.com>\").", err.Trim());
        await AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task Serve_with_a_configuration_error_exits_3_with_one_line_like_the_other_commands()
    {
        var (code, _, err) = await WorkerProcess.RunAsync(["serve", "--urls", $"http://127.0.0.1:{ClosedPort()}"],
            Env(("Mail__From", "not an address"), ("Hangfire__Server", "false")), TimeSpan.FromMinutes(2));
        Assert.Equal(3, code);
        Assert.Equal("configuration error: Mail:From is not an email address (e.g. \"Sales Reports <reports@example.com>\").", err.Trim());
    }

    [Fact]
    public async Task Serve_on_a_port_in_use_says_so_in_one_line()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (code, _, err) = await WorkerProcess.RunAsync(["serve", "--urls", $"http://127.0.0.1:{port}"], Env(("Hangfire__Server", "false")), TimeSpan.FromMinutes(2));
        Assert.Equal(1, code);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal($"error: cannot listen on http://127.0.0.1:{port}: another program is using it; stop that program, or start serve on another address "
            + "with --urls (e.g. --urls http://127.0.0.1:5001)", DetailOf(line));
    }

    [Fact]
    public async Task An_SMTP_server_that_is_down_is_one_line_saying_what_to_do()
    {
        await SeedOnceAsync();
        await using (var conn = await db.Databases.Reporting.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                insert into reporting.improvement_action(rep_id, period, problem, root_cause, cause_category, action, owner_name, owner_email, due_on, checkpoint_on)
                values ('R1', '2026-10-01', '回款慢', '客户B 付款流程长', 'market', '每周跟进客户B财务', '李明', 'r1@x.example', '2026-11-10', '2026-11-05')
                """);
        var port = ClosedPort();
        var (code, stdout, err) = await WorkerProcess.RunAsync(["follow-up", "--date", "2026-11-05"],
            Env(("Smtp__Host", "127.0.0.1"), ("Smtp__Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Mail__RetryDelayMilliseconds", "10")),
            TimeSpan.FromMinutes(3));
        Assert.Equal(1, code);
        var line = DetailOf(Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        Assert.StartsWith($"error: the SMTP server 127.0.0.1:{port} did not take the mail (Delivery of reminder ", line, StringComparison.Ordinal);
        Assert.EndsWith("); check that it is running and the settings Smtp:Host and Smtp:Port, then run the command again (nothing is sent twice)", line, StringComparison.Ordinal);
        AssertNoStack(stdout + err);
    }

    [Fact]
    public async Task An_actions_import_with_9999_12_31_west_of_UTC_is_refused_at_the_check_and_nothing_is_written()
    {
        await SeedOnceAsync();
        var file = Path.Combine(root, "actions.csv");
        await File.WriteAllTextAsync(file, "rep_id,period,problem,root_cause,cause_category,action,owner_name,owner_email,due_on,checkpoint_on,support_needed\n"
            + "R2,2026-10,线索少,渠道单一,people,参加行业展会,张伟,r2@x.example,9999-12-31,,\n");
        var (code, _, err) = await WorkerProcess.RunAsync(["import", "actions", file], Env(("Company__TimeZone", "America/New_York")), TimeSpan.FromMinutes(2));
        Assert.Equal(4, code);
        Assert.Equal("The file was rejected and nothing was written (1 problem):\n"
            + "  actions.csv: row 2, column 'due_on' ('9999-12-31'): more than 2 years after the action's period 2026-10; expected a date by 2028-10-31", err.Trim());
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.improvement_action where rep_id = 'R2'"));
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.follow_up_job"));
    }
}
