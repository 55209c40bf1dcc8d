using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PuppeteerSharp;
using SalesReporting.Data;
using SalesReporting.Demo;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Sources;
using SalesReporting.Data.Targets;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Tests.Loop;
using SalesReporting.Worker.Hosting;

namespace SalesReporting.Tests.Workspace;

/// <summary>
/// The demo organisation with October 2026 computed, `serve` on a real port (web only: jobs are scheduled into the
/// storage, not run), sign-in mail in a pickup folder, and the system Chromium driven by PuppeteerSharp.
/// </summary>
public sealed partial class WorkspaceFixture : IAsyncLifetime
{
    public const string Manager = "wang.jianguo@demo.example";   // team T01
    public const string OtherManager = "lin.meiling@demo.example"; // team T02
    public const string Rep = "r001@demo.example";               // R001, team T01
    public static readonly Period October = new(2026, 10);
    /// <summary>The tests sign in many times from 127.0.0.1 within a minute; the limit test has an address of its own.</summary>
    public const int RequestsPerClient = 40;
    /// <summary>The manager signs in from many tests (some twenty times in a run); the per-address tests use addresses of their own.</summary>
    public const int MailsPerAddress = 30;

    public TestDatabase Db { get; private set; } = null!;
    public WebApplication App { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public string MailDir { get; } = Directory.CreateTempSubdirectory("sr-ws-mail-").FullName;
    private readonly string outDir = Directory.CreateTempSubdirectory("sr-ws-").FullName;

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync("sr_ws");
        using (var host = Db.BuildHost(new Dictionary<string, string?> { ["Mail:PickupDirectory"] = MailDir }))
        {
            var demo = await DemoOrganisation.GenerateAsync(Db.Databases, outDir, default);
            await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
            await host.Services.GetRequiredService<TargetImport>().ImportAsync(demo.TargetsFile, default);
            await host.Services.GetRequiredService<IndicatorCompute>().ComputeWithHistoryAsync(October, default);
        }

        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        App = BuildServe(BaseUrl);
        await App.StartAsync();
        Browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = new SalesReporting.Reports.Rendering.ChromiumOptions().ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        await App.DisposeAsync();
        await Db.DisposeAsync();
        Directory.Delete(MailDir, true);
        Directory.Delete(outDir, true);
    }

    /// <summary>`serve` as the fixture runs it, on another address: a second process over the same databases.</summary>
    public WebApplication BuildServe(string baseUrl) => Serve.Build(
    [
        "--urls", baseUrl, "--environment", "Production",
        $"--ConnectionStrings:Crm={Db.Crm}", $"--ConnectionStrings:Finance={Db.Finance}", $"--ConnectionStrings:Reporting={Db.Reporting}",
        $"--Mail:PickupDirectory={MailDir}", "--Acknowledgement:Secret=" + LoopSetup.Secret, $"--Acknowledgement:PublicBaseUrl={BaseUrl}",
        "--Hangfire:Server=false", "--Logging:LogLevel:Default=Warning",
        // Requests carrying X-Forwarded-For from this machine count as that client: the per-client limit is tested that way.
        "--ForwardedHeaders:KnownProxies:0=127.0.0.1", "--Workspace:Admins:0=ops@demo.example",
        $"--Workspace:SignInRequestsPerClient={RequestsPerClient}", $"--Workspace:SignInMailsPerAddress={MailsPerAddress}",
    ], c => c.UseLogProvider(new SilentLog()));

    public static string NewBaseUrl() => $"http://127.0.0.1:{FreePort()}";

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    /// <summary>The sign-in links mailed to the address so far, oldest first.</summary>
    public IReadOnlyList<string> SignInLinks(string email) =>
        Directory.GetFiles(MailDir, $"signin_*_{FileNames.Part(email)}.eml").Order(StringComparer.Ordinal)
            .Select(f => SignInLink().Match(MimeMessage.Load(f).TextBody ?? "").Value).ToList();

    /// <summary>Waits for the next sign-in mail to the address (the mail leaves the request, so it is a moment later).</summary>
    public async Task<string> NextLinkAsync(string email, int before)
    {
        for (var i = 0; i < 200; i++)
        {
            var links = SignInLinks(email);
            if (links.Count > before) return links[^1];
            await Task.Delay(50);
        }
        throw new TimeoutException($"No sign-in mail to {email} arrived.");
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/app/signin/[A-Za-z0-9._-]+")]
    private static partial Regex SignInLink();

    [GeneratedRegex("name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public static string Token(string html) => AntiforgeryField().Match(html).Groups[1].Value;

    /// <summary>A plain HTTP client with its own cookie jar (no redirects followed).</summary>
    public HttpClient Client() => new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(BaseUrl) };

    /// <summary>Requests a link, takes it, and leaves the client signed in.</summary>
    public async Task SignInAsync(HttpClient client, string email)
    {
        var before = SignInLinks(email).Count;
        var page = await client.GetStringAsync("/app");
        using (var asked = await client.PostAsync("/app/signin", new FormUrlEncodedContent([new("__af", Token(page)), new("email", email)])))
            Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var link = new Uri(await NextLinkAsync(email, before)).PathAndQuery;
        var button = await client.GetStringAsync(link);
        using var signedIn = await client.PostAsync(link, new FormUrlEncodedContent([new("__af", Token(button))]));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    /// <summary>Where screenshots go: SALESREPORTING_SCREENSHOTS (docs/ when refreshed on purpose), else a temporary folder.</summary>
    public static string ScreenshotDir => Environment.GetEnvironmentVariable("SALESREPORTING_SCREENSHOTS") is { Length: > 0 } dir
        ? dir : Directory.CreateTempSubdirectory("sr-ws-shots-").FullName;
}
