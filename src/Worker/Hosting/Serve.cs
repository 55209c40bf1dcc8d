using System.Net;
using System.Security.Cryptography;
using System.Text;
using Hangfire;
using Hangfire.Dashboard;
using Npgsql;
using SalesReporting.Data;
using SalesReporting.Worker.Api;
using SalesReporting.Worker.Jobs;

namespace SalesReporting.Worker.Hosting;

/// <summary>Section "Dashboard": the logins for /hangfire when it is reached from another machine: an admin
/// (rerun, delete, trigger) and, optionally, a read-only one (watch only).</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";
    public string? User { get; set; }
    public string? Password { get; set; }
    public string? ReadOnlyUser { get; set; }
    public string? ReadOnlyPassword { get; set; }
}

/// <summary>`serve`: the Hangfire server, its dashboard, /health and the recurring jobs.</summary>
public static class Serve
{
    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddSalesReporting();
        builder.Services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section)
            .Validate(o => string.IsNullOrEmpty(o.User) == string.IsNullOrEmpty(o.Password), "Dashboard:User and Dashboard:Password are set together or not at all.")
            .Validate(o => string.IsNullOrEmpty(o.ReadOnlyUser) == string.IsNullOrEmpty(o.ReadOnlyPassword), "Dashboard:ReadOnlyUser and Dashboard:ReadOnlyPassword are set together or not at all.")
            .Validate(o => string.IsNullOrEmpty(o.User) || o.User != o.ReadOnlyUser, "Dashboard:ReadOnlyUser must differ from Dashboard:User.")
            .ValidateOnStart();
        var reporting = builder.Configuration.GetConnectionString("Reporting")
            ?? throw new InvalidOperationException("ConnectionStrings:Reporting is not set (environment variable ConnectionStrings__Reporting).");
        // The same storage and serializer settings the one-shot commands use to schedule follow-ups.
        builder.Services.AddHangfire(config => config.UseStorage(ClosedLoop.Storage(reporting)));
        builder.Services.AddHangfireServer(o => o.Queues = ["forms", "default"]);

        var app = builder.Build();
        Migrator.Migrate(reporting);
        var dashboard = new LocalOrBasicAuthorization(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DashboardOptions>>().Value);
        app.UseHangfireDashboard("/hangfire", new Hangfire.DashboardOptions
        {
            Authorization = [dashboard],
            IsReadOnlyFunc = dashboard.IsReadOnly,
            DashboardTitle = "SalesReporting jobs",
        });
        app.MapGet("/health", async (Databases db, CancellationToken token) =>
        {
            await using var conn = await db.Reporting.OpenConnectionAsync(token);
            await using var cmd = new NpgsqlCommand("select 1", conn);
            await cmd.ExecuteScalarAsync(token);
            return Results.Ok(new { status = "ok" });
        });
        app.MapClosedLoop();

        var tz = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CompanyOptions>>().Value.ResolveTimeZone();
        var recurring = app.Services.GetRequiredService<IRecurringJobManager>();
        recurring.AddOrUpdate<SyncSourcesJob>("sync-sources", j => j.RunAsync(CancellationToken.None), Cron.Hourly(), new RecurringJobOptions { TimeZone = tz });
        recurring.AddOrUpdate<MonthEndJob>("month-end-close", j => j.CloseLastMonthAsync(CancellationToken.None), "0 6 1 * *", new RecurringJobOptions { TimeZone = tz });
        // Never on its own: an admin triggers it from the dashboard to force last month's forms out again.
        recurring.AddOrUpdate<MonthEndJob>("month-end-resend", j => j.ResendLastMonthAsync(CancellationToken.None), Cron.Never(), new RecurringJobOptions { TimeZone = tz });

        await app.RunAsync(ct);
        return 0;
    }

    /// <summary>Anonymous (as admin) from this machine; from anywhere else only with a configured login (HTTP
    /// Basic): the admin one, or the read-only one, which sees every page but cannot rerun or delete.</summary>
    public sealed class LocalOrBasicAuthorization(DashboardOptions options) : IDashboardAuthorizationFilter
    {
        public enum Access { None, ReadOnly, Admin }

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
            var remote = http.Connection.RemoteIpAddress;
            if (remote is not null && IPAddress.IsLoopback(remote)) return Access.Admin;
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
