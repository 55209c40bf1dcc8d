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
}
