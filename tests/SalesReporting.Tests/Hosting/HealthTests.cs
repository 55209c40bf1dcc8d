using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Tests.Loop;
using SalesReporting.Worker.Hosting;
using Hangfire;

namespace SalesReporting.Tests.Hosting;

/// <summary>/health/live and /health/ready as the framework's health checks, on `serve` on a real port: ready names each
/// of the reporting database, the Hangfire storage, the SMTP server and Chromium, and answers 503 when one is down.</summary>
public sealed class HealthTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private readonly List<WebApplication> apps = [];

    public async Task InitializeAsync() => db = await TestDatabase.CreateAsync("sr_health");

    public async Task DisposeAsync()
    {
        foreach (var app in apps) await app.DisposeAsync();
        await db.DisposeAsync();
    }

    private async Task<HttpClient> ServeAsync(int smtpPort)
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:0", "--environment", "Production",
            $"--ConnectionStrings:Crm={db.Crm}", $"--ConnectionStrings:Finance={db.Finance}", $"--ConnectionStrings:Reporting={db.Reporting}",
            "--Smtp:Host=127.0.0.1", "--Smtp:Port=" + smtpPort.ToString(CultureInfo.InvariantCulture), "--Smtp:TimeoutSeconds=5",
            "--Acknowledgement:Secret=" + LoopSetup.Secret, "--Acknowledgement:PublicBaseUrl=https://reports.example.com",
            "--Hangfire:Server=false", "--Logging:LogLevel:Default=Warning",
        ];
        var app = Serve.Build(args, c => c.UseLogProvider(new SilentLog()));
        apps.Add(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new HttpClient { BaseAddress = new Uri(address) };
    }

    private static async Task<(HttpStatusCode Status, string Overall, Dictionary<string, string> Checks)> ReadyAsync(HttpClient client)
    {
        using var answer = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        var checks = json.RootElement.GetProperty("checks").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("status").GetString()!);
        return (answer.StatusCode, json.RootElement.GetProperty("status").GetString()!, checks);
    }

    [Fact]
    public async Task Ready_checks_every_service_a_month_end_needs_and_live_answers_on_its_own()
    {
        await using var smtp = new SmtpSink();
        using var client = await ServeAsync(smtp.Port);

        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("""{"status":"Healthy","checks":{}}""", await live.Content.ReadAsStringAsync());

        var (status, overall, checks) = await ReadyAsync(client);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", overall);
        Assert.Equal(new Dictionary<string, string>
        {
            ["reporting-database"] = "Healthy", ["hangfire-storage"] = "Healthy", ["smtp"] = "Healthy", ["chromium"] = "Healthy",
        }, checks);

        using var legacy = await client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal("""{"status":"ok"}""", await legacy.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ready_answers_503_naming_the_smtp_server_that_does_not_answer_and_keeps_its_reason_for_the_log()
    {
        using var client = await ServeAsync(SmtpSink.FreePort()); // nobody listens there
        var (status, overall, checks) = await ReadyAsync(client);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", overall);
        Assert.Equal("Unhealthy", checks["smtp"]);
        Assert.Equal("Healthy", checks["reporting-database"]);
        Assert.Equal("Healthy", checks["hangfire-storage"]);

        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var body = await (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).Content.ReadAsStringAsync();
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal); // no detail for an anonymous caller
    }
}
