using Dapper;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Tests.Loop;
using SalesReporting.Worker.Hosting;

namespace SalesReporting.Tests.Hosting;

/// <summary>
/// `serve` behind a reverse proxy on the same machine, both on real sockets: every request the proxy forwards arrives
/// from 127.0.0.1, and none of them may open the dashboard without the login.
/// </summary>
public sealed class ReverseProxyTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private readonly List<WebApplication> apps = [];

    public async Task InitializeAsync() => db = await TestDatabase.CreateAsync("sr_proxy");

    public async Task DisposeAsync()
    {
        foreach (var app in apps) await app.DisposeAsync();
        await db.DisposeAsync();
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    /// <summary>`serve` as a web-only process in the Production environment, with the given settings.</summary>
    private async Task<string> ServeAsync(params string[] settings)
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:0", "--environment", "Production",
            $"--ConnectionStrings:Crm={db.Crm}", $"--ConnectionStrings:Finance={db.Finance}", $"--ConnectionStrings:Reporting={db.Reporting}",
            "--Mail:PickupDirectory=" + Path.Combine(Path.GetTempPath(), "sr-proxy-mail"),
            "--Acknowledgement:Secret=" + LoopSetup.Secret, "--Acknowledgement:PublicBaseUrl=https://reports.example.com",
            "--Hangfire:Server=false", "--Logging:LogLevel:Default=Warning",
            .. settings,
        ];
        var app = Serve.Build(args, c => c.UseLogProvider(new SilentLog()));
        apps.Add(app);
        await app.StartAsync();
        return Address(app);
    }

    /// <summary>A forwarding proxy as nginx is usually set up: the client's address in X-Forwarded-For, the scheme in X-Forwarded-Proto.</summary>
    private async Task<string> ProxyAsync(string upstream, string clientAddress = "203.0.113.7")
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        app.Run(async ctx =>
        {
            using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), upstream + ctx.Request.Path + ctx.Request.QueryString);
            if (ctx.Request.ContentLength > 0 || ctx.Request.Headers.TransferEncoding.Count > 0) request.Content = new StreamContent(ctx.Request.Body);
            foreach (var (name, value) in ctx.Request.Headers)
            {
                if (name is "Host" or "Content-Length" or "Transfer-Encoding") continue;
                if (!request.Headers.TryAddWithoutValidation(name, value.ToArray())) request.Content?.Headers.TryAddWithoutValidation(name, value.ToArray());
            }
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", clientAddress);
            request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
            using var response = await http.SendAsync(request, ctx.RequestAborted);
            ctx.Response.StatusCode = (int)response.StatusCode;
            await response.Content.CopyToAsync(ctx.Response.Body);
        });
        apps.Add(app);
        await app.StartAsync();
        return Address(app);
    }

    private static async Task<HttpStatusCode> GetAsync(string url, string? login = null)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (login is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(login)));
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> TriggerAsync(string baseUrl)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var response = await client.PostAsync(baseUrl + "/hangfire/recurring/trigger", new FormUrlEncodedContent([new("jobs[]", "sync-sources")]));
        return response.StatusCode;
    }

    [Fact]
    public async Task Through_a_proxy_on_this_machine_the_dashboard_asks_for_the_login_even_where_local_access_is_anonymous()
    {
        var serve = await ServeAsync("--Dashboard:LocalAnonymous=true", "--Dashboard:User=admin", "--Dashboard:Password=s3cret-admin");
        var proxy = await ProxyAsync(serve);

        Assert.Equal(HttpStatusCode.OK, await GetAsync(serve + "/hangfire"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(proxy + "/hangfire"));
        Assert.Equal(HttpStatusCode.Unauthorized, await TriggerAsync(proxy));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(proxy + "/hangfire", "admin:wrong"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(proxy + "/hangfire", "admin:s3cret-admin"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(proxy + "/health"));
    }

    [Fact]
    public async Task A_known_proxys_headers_are_applied_and_its_requests_still_need_the_login()
    {
        var serve = await ServeAsync("--Dashboard:LocalAnonymous=true", "--Dashboard:User=admin", "--Dashboard:Password=s3cret-admin",
            "--ForwardedHeaders:KnownProxies:0=127.0.0.1");
        var proxy = await ProxyAsync(serve);

        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(proxy + "/hangfire"));
        Assert.Equal(HttpStatusCode.Unauthorized, await TriggerAsync(proxy));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(proxy + "/hangfire", "admin:s3cret-admin"));
        // the proxy's own address is a known proxy: even without forwarding headers, never local
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(serve + "/hangfire"));
    }

    [Fact]
    public async Task In_production_nothing_is_anonymous_by_default_not_even_from_this_machine()
    {
        var serve = await ServeAsync("--Dashboard:User=admin", "--Dashboard:Password=s3cret-admin");
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(serve + "/hangfire"));
        Assert.Equal(HttpStatusCode.Unauthorized, await TriggerAsync(serve));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(serve + "/hangfire", "admin:s3cret-admin"));
    }

    [Fact]
    public async Task The_dashboards_month_end_page_runs_a_closed_quarter_and_refuses_one_that_is_not_over()
    {
        var serve = await ServeAsync("--Dashboard:User=admin", "--Dashboard:Password=s3cret-admin");
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:s3cret-admin")));
        var page = await client.GetStringAsync(serve + "/hangfire/month-end");
        // The dashboard's commands carry its antiforgery token, as its own buttons do.
        string Meta(string name) => System.Text.RegularExpressions.Regex.Match(page, $"<meta name=\"{name}\" content=\"([^\"]+)\"").Groups[1].Value;
        client.DefaultRequestHeaders.Add(Meta("csrf-header"), Meta("csrf-token"));
        var lastQuarter = SalesReporting.Data.Indicators.RollupPeriod.QuarterBefore(SalesReporting.Data.Period.FromDate(DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1))));
        Assert.Contains($"Run {lastQuarter}", page, StringComparison.Ordinal);
        Assert.Contains($"Run {DateTime.UtcNow.Year - 1}<", page, StringComparison.Ordinal);

        using (var run = await client.PostAsync(serve + "/hangfire/period-end/2024-Q3/run", new FormUrlEncodedContent([])))
            Assert.Equal(HttpStatusCode.NoContent, run.StatusCode);
        using (var open = await client.PostAsync(serve + $"/hangfire/period-end/{DateTime.UtcNow.Year + 1}/run", new FormUrlEncodedContent([])))
            Assert.Equal(HttpStatusCode.UnprocessableEntity, open.StatusCode);
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        var queued = (await conn.QueryAsync<string>("select invocationdata::text from hangfire.job")).ToList();
        Assert.Equal(1, queued.Count(j => j.Contains("PeriodEndJob", StringComparison.Ordinal) && j.Contains("CloseAsync", StringComparison.Ordinal)
            && j.Contains("2024-Q3", StringComparison.Ordinal)));
    }

    private static async Task<HttpResponseMessage> SendAsync(string url, string? login = null, string? forwardedProto = null)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (login is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(login)));
        if (forwardedProto is not null) request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private const string PageCsp = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    [Fact]
    public async Task Security_headers_are_on_every_answer_and_no_store_on_the_dashboard_the_api_and_the_acknowledgement()
    {
        var serve = await ServeAsync("--Dashboard:User=admin", "--Dashboard:Password=s3cret-admin");
        var exp = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        (string Url, string? Login, HttpStatusCode Status, string Csp, string? CacheControl)[] answers =
        [
            (serve + "/hangfire", "admin:s3cret-admin", HttpStatusCode.OK, "frame-ancestors 'none'", "no-store"),
            (serve + "/hangfire/month-end", "admin:s3cret-admin", HttpStatusCode.OK, "frame-ancestors 'none'", "no-store"),
            (serve + "/hangfire", null, HttpStatusCode.Unauthorized, "frame-ancestors 'none'", "no-store"),
            (serve + "/api/actions", null, HttpStatusCode.Unauthorized, PageCsp, "no-store"),
            (serve + $"/ack/2026-10/R1?exp={exp}&sig=AAAA", null, HttpStatusCode.Forbidden, PageCsp, "no-store"),
            (serve + "/health", null, HttpStatusCode.OK, PageCsp, null),
        ];
        foreach (var (url, login, status, csp, cacheControl) in answers)
        {
            using var response = await SendAsync(url, login);
            var what = $"{url} ({(login is null ? "anonymous" : "logged in")})";
            Assert.True(status == response.StatusCode, $"{what}: {response.StatusCode}");
            Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff) && nosniff.Single() == "nosniff", what);
            Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var policy), what);
            Assert.True(csp == policy!.Single(), $"{what}: Content-Security-Policy {policy!.Single()}");
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            if (cacheControl is not null) Assert.True(cacheControl == response.Headers.CacheControl?.ToString(), $"{what}: Cache-Control {response.Headers.CacheControl}");
        }
        // Answers to a request that carried credentials are not kept either, wherever they go.
        using (var withLogin = await SendAsync(serve + "/health", "admin:s3cret-admin"))
            Assert.Equal("no-store", withLogin.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task X_forwarded_proto_from_a_known_proxy_makes_the_request_https_and_from_anyone_else_is_ignored()
    {
        // The workspace's cookies are Secure exactly when the request is https (CookieSecurePolicy.SameAsRequest).
        static string Cookie(HttpResponseMessage response) =>
            Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("sr_af=", StringComparison.Ordinal));

        var behindProxy = await ServeAsync("--ForwardedHeaders:KnownProxies:0=127.0.0.1");
        using (var https = await SendAsync(behindProxy + "/app", forwardedProto: "https"))
        {
            Assert.Equal(HttpStatusCode.OK, https.StatusCode);
            Assert.Contains("; secure", Cookie(https), StringComparison.OrdinalIgnoreCase);
        }
        using (var plain = await SendAsync(behindProxy + "/app"))
            Assert.DoesNotContain("; secure", Cookie(plain), StringComparison.OrdinalIgnoreCase);

        // The same header from an address that is not a known proxy (here 127.0.0.1 is not one): the request stays http.
        var direct = await ServeAsync("--ForwardedHeaders:KnownProxies:0=10.0.0.5");
        using var ignored = await SendAsync(direct + "/app", forwardedProto: "https");
        Assert.Equal(HttpStatusCode.OK, ignored.StatusCode);
        Assert.DoesNotContain("; secure", Cookie(ignored), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_dashboards_month_end_page_runs_a_closed_month_and_refuses_one_that_is_not_over()
    {
        var serve = await ServeAsync("--Dashboard:User=admin", "--Dashboard:Password=s3cret-admin");
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:s3cret-admin")));
        var page = await client.GetStringAsync(serve + "/hangfire/month-end");
        string Meta(string name) => System.Text.RegularExpressions.Regex.Match(page, $"<meta name=\"{name}\" content=\"([^\"]+)\"").Groups[1].Value;
        client.DefaultRequestHeaders.Add(Meta("csrf-header"), Meta("csrf-token"));
        // Two months ago is over in any time zone; next month is not (the company's zone is at most a day from UTC).
        string Month(DateTime d) => d.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"Run {Month(DateTime.UtcNow.AddMonths(-2))}<", page, StringComparison.Ordinal);

        using (var run = await client.PostAsync(serve + "/hangfire/month-end/2024-09/run", new FormUrlEncodedContent([])))
            Assert.Equal(HttpStatusCode.NoContent, run.StatusCode);
        using (var open = await client.PostAsync(serve + $"/hangfire/month-end/{Month(DateTime.UtcNow.AddMonths(1))}/run", new FormUrlEncodedContent([])))
            Assert.Equal(HttpStatusCode.UnprocessableEntity, open.StatusCode);
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        var queued = (await conn.QueryAsync<string>("select invocationdata::text from hangfire.job")).ToList();
        Assert.Equal(1, queued.Count(j => j.Contains("MonthEndJob", StringComparison.Ordinal) && j.Contains("RunAsync", StringComparison.Ordinal)));
        Assert.Equal(1, queued.Count(j => j.Contains("MonthEndJob", StringComparison.Ordinal) && j.Contains("2024-09", StringComparison.Ordinal)));
    }
}
