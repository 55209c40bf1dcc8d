using System.Net;
using System.Security.Cryptography;
using System.Text;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Worker.Api;
using SalesReporting.Worker.Jobs;
using SalesReporting.Worker.Workspace;

namespace SalesReporting.Worker.Hosting;

/// <summary>Section "Dashboard": the logins for /hangfire: an admin (rerun, delete, trigger) and, optionally, a
/// read-only one (watch only); and whether a request from this machine itself, not through a proxy, needs none.</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";
    public string? User { get; set; }
    public string? Password { get; set; }
    public string? ReadOnlyUser { get; set; }
    public string? ReadOnlyPassword { get; set; }
    /// <summary>Anonymous admin access from this machine, for requests that did not come through a proxy. Unset: on in the
    /// Development environment only.</summary>
    public bool? LocalAnonymous { get; set; }
}

/// <summary>Section "ForwardedHeaders": the reverse proxies whose X-Forwarded-* headers are believed; nobody else's are.</summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "ForwardedHeaders";
    /// <summary>Proxy addresses, e.g. 10.0.0.5.</summary>
    public List<string> KnownProxies { get; set; } = [];
    /// <summary>Proxy networks in CIDR notation, e.g. 10.0.0.0/24.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    public IEnumerable<string> Problems()
    {
        foreach (var p in KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
            yield return $"ForwardedHeaders:KnownProxies: '{p}' is not an IP address (e.g. 10.0.0.5).";
        foreach (var n in KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)))
            yield return $"ForwardedHeaders:KnownNetworks: '{n}' is not a network in CIDR notation (e.g. 10.0.0.0/24).";
    }

    public bool IsKnownProxy(IPAddress? address)
    {
        if (address is null) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return KnownProxies.Any(p => IPAddress.TryParse(p, out var a) && a.Equals(address))
            || KnownNetworks.Any(n => System.Net.IPNetwork.TryParse(n, out var net) && net.Contains(address));
    }
}

/// <summary>Section "Hangfire": whether this process runs jobs at all (a web-only process does not), and how many and which.</summary>
public sealed class HangfireServerOptions
{
    public const string Section = "Hangfire";
    public bool Server { get; set; } = true;
    [System.ComponentModel.DataAnnotations.Range(1, 256)]
    public int WorkerCount { get; set; } = Math.Min(Environment.ProcessorCount * 5, 20);
    public List<string> Queues { get; set; } = ["forms", "default"];

    public const int DefaultInvisibilityTimeoutSeconds = 60;

    /// <summary>How soon another server takes over the jobs of a server that died (killed, its machine gone): the storage's
    /// sliding invisibility timeout, this long after the dead server last renewed the job, plus up to the queue poll interval (15 s).</summary>
    [System.ComponentModel.DataAnnotations.Range(5, 3600)]
    public int InvisibilityTimeoutSeconds { get; set; } = DefaultInvisibilityTimeoutSeconds;
}

/// <summary>`serve`: the Hangfire server, its dashboard, /health and the recurring jobs.</summary>
public static class Serve
{
    /// <summary>Runs until stopped. A failure to start (a setting, a database, a port in use) is one line and an exit code,
    /// as for the other commands: 3 for configuration (<see cref="Failures"/>).</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        IConfiguration? configuration = null;
        try
        {
            var app = Build(args, configured: c => configuration = c);
            await app.RunAsync(ct); // disposes the app when it ends
            return 0;
        }
#pragma warning disable CA1031 // every failure a person sees is one line (Failures); the detail goes to its log file
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return Failures.Report(ex, configuration ?? new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build());
        }
#pragma warning restore CA1031
    }

    /// <summary>The `serve` web application, migrated and mapped, not started.</summary>
    /// <param name="hangfire">more Hangfire settings after the storage (a test's own log provider)</param>
    /// <param name="configured">told the configuration as soon as it is read, for the message of a failure to start</param>
    public static WebApplication Build(string[] args, Action<IGlobalConfiguration>? hangfire = null, Action<IConfiguration>? configured = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configured?.Invoke(builder.Configuration);
        builder.AddSalesReporting();
        builder.AddWorkspace();
        builder.Services.AddReadinessChecks();
        builder.Services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section)
            .Validate(o => string.IsNullOrEmpty(o.User) == string.IsNullOrEmpty(o.Password), "Dashboard:User and Dashboard:Password are set together or not at all.")
            .Validate(o => string.IsNullOrEmpty(o.ReadOnlyUser) == string.IsNullOrEmpty(o.ReadOnlyPassword), "Dashboard:ReadOnlyUser and Dashboard:ReadOnlyPassword are set together or not at all.")
            .Validate(o => string.IsNullOrEmpty(o.User) || o.User != o.ReadOnlyUser, "Dashboard:ReadOnlyUser must differ from Dashboard:User.")
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersSettings>().BindConfiguration(ForwardedHeadersSettings.Section)
            .Validate(o => !o.Problems().Any(), "ForwardedHeaders:KnownProxies are IP addresses and ForwardedHeaders:KnownNetworks CIDR networks (e.g. 10.0.0.5, 10.0.0.0/24).")
            .ValidateOnStart();
        builder.Services.AddOptions<HangfireServerOptions>().BindConfiguration(HangfireServerOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Queues.Count > 0 && o.Queues.All(q => q.Length > 0 && q.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')),
                "Hangfire:Queues is a list of queue names in lower case letters, digits and '_' (the jobs use forms and default).")
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((o, settings) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // Only the configured proxies: the framework's default trusts loopback, which is every proxy on this machine.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var p in settings.Value.KnownProxies) if (IPAddress.TryParse(p, out var a)) o.KnownProxies.Add(a);
            foreach (var n in settings.Value.KnownNetworks) if (System.Net.IPNetwork.TryParse(n, out var net)) o.KnownIPNetworks.Add(net);
        });
        // Checked here too, as the reporting database is migrated before the host starts (and runs its other checks).
        if (DataRegistration.ConnectionStringProblems(builder.Configuration).ToList() is { Count: > 0 } connectionProblems)
            throw new OptionsValidationException("ConnectionStrings", typeof(string), connectionProblems);
        var reporting = builder.Configuration.GetConnectionString("Reporting")!;
        // The same storage and serializer settings the one-shot commands use to schedule follow-ups.
        var server = builder.Configuration.GetSection(HangfireServerOptions.Section).Get<HangfireServerOptions>() ?? new HangfireServerOptions();
        builder.Services.AddHangfire(config =>
        {
            config.UseStorage(HangfireStorage.Create(reporting, TimeSpan.FromSeconds(server.InvisibilityTimeoutSeconds)));
            hangfire?.Invoke(config);
        });
        if (server.Server)
        {
            // A dead server's jobs back at the front of the queue once their invisibility has run out (AddHangfireServer
            // runs every IBackgroundProcess registered here beside its workers).
            builder.Services.AddSingleton<Hangfire.Server.IBackgroundProcess>(sp => new AbandonedJobRequeue(sp.GetRequiredService<Databases>(),
                TimeSpan.FromSeconds(server.InvisibilityTimeoutSeconds), sp.GetRequiredService<ILogger<AbandonedJobRequeue>>()));
            builder.Services.AddHangfireServer(o =>
            {
                o.Queues = [.. server.Queues];
                o.WorkerCount = server.WorkerCount;
            });
        }

        var app = builder.Build();
        Migrator.Migrate(reporting);
        app.UseForwardedHeaders();
        app.UseWorkspace();
        var dashboard = new LocalOrBasicAuthorization(
            app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value,
            app.Services.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value,
            app.Environment.IsDevelopment());
        MonthEndDashboard.Register(app.Services.GetRequiredService<IOptions<CompanyOptions>>(), app.Services.GetRequiredService<TimeProvider>());
        app.UseHangfireDashboard("/hangfire", new Hangfire.DashboardOptions
        {
            Authorization = [dashboard],
            IsReadOnlyFunc = dashboard.IsReadOnly,
            DashboardTitle = "SalesReporting jobs",
        });
        app.MapHealth();
        app.MapClosedLoop();
        RecurringJobs.Register(app.Services);
        return app;
    }

    /// <summary>Who came from where: a request is "local" only when it reached this process from this machine without
    /// passing a proxy. Anything a proxy forwarded (forwarding headers, or a known proxy's address) is remote, whatever the
    /// socket says, because a proxy on this machine makes every client look like 127.0.0.1.</summary>
    public static bool IsLocal(HttpContext http, ForwardedHeadersSettings proxies)
    {
        var headers = http.Request.Headers;
        if (headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("Forwarded") || headers.ContainsKey("X-Forwarded-Host")
            || headers.ContainsKey("X-Forwarded-Proto") || headers.ContainsKey("X-Real-IP")
            // what UseForwardedHeaders leaves behind after it applied a known proxy's headers
            || headers.ContainsKey("X-Original-For") || headers.ContainsKey("X-Original-Host") || headers.ContainsKey("X-Original-Proto"))
            return false;
        var remote = http.Connection.RemoteIpAddress;
        return remote is not null && IPAddress.IsLoopback(remote) && !proxies.IsKnownProxy(remote);
    }

    /// <summary>Anonymous (as admin) from this machine when Dashboard:LocalAnonymous allows it (by default only in Development)
    /// and never through a proxy; otherwise only with a configured login (HTTP Basic): the admin one, or the read-only one,
    /// which sees every page but cannot rerun or delete.</summary>
    public sealed class LocalOrBasicAuthorization(DashboardOptions options, ForwardedHeadersSettings proxies, bool development) : IDashboardAuthorizationFilter
    {
        public enum Access { None, ReadOnly, Admin }

        private readonly bool localAnonymous = options.LocalAnonymous ?? development;

        public bool Authorize(DashboardContext context)
        {
            var http = context.GetHttpContext();
            if (AccessOf(http) != Access.None) return true;
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"SalesReporting\"";
            return false;
        }

        public bool IsReadOnly(DashboardContext context) => AccessOf(context.GetHttpContext()) != Access.Admin;

        public Access AccessOf(HttpContext http)
        {
            if (localAnonymous && IsLocal(http, proxies)) return Access.Admin;
            var header = http.Request.Headers.Authorization.ToString();
            if (Matches(header, options.User, options.Password)) return Access.Admin;
            if (Matches(header, options.ReadOnlyUser, options.ReadOnlyPassword)) return Access.ReadOnly;
            return Access.None;
        }

        private static bool Matches(string header, string? user, string? password)
        {
            if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(password)) return false;
            if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return false;
            string decoded;
            try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim())); }
            catch (FormatException) { return false; }
            var expected = Encoding.UTF8.GetBytes($"{user}:{password}");
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(decoded), expected);
        }
    }
}
