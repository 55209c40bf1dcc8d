using System.Net;
using System.Security.Cryptography;
using System.Text;
using Hangfire;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using Npgsql;
using SalesReporting.Data;
using SalesReporting.Worker.Api;
using SalesReporting.Worker.Jobs;

namespace SalesReporting.Worker.Hosting;

/// <summary>Section "Dashboard": the admin login for /hangfire when it is reached from another machine.</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";
    public string? User { get; set; }
    public string? Password { get; set; }
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
            .ValidateOnStart();
        var reporting = builder.Configuration.GetConnectionString("Reporting")
            ?? throw new InvalidOperationException("ConnectionStrings:Reporting is not set (environment variable ConnectionStrings__Reporting).");
        builder.Services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(reporting),
                new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true }));
        builder.Services.AddHangfireServer(o => o.Queues = ["forms", "default"]);

        var app = builder.Build();
        Migrator.Migrate(reporting);
        var dashboard = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DashboardOptions>>().Value;
        app.UseHangfireDashboard("/hangfire", new Hangfire.DashboardOptions
        {
            Authorization = [new LocalOrBasicAuthorization(dashboard)],
            IsReadOnlyFunc = _ => false,
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

    /// <summary>Anonymous from this machine; from anywhere else only with the configured admin login (HTTP Basic).</summary>
    public sealed class LocalOrBasicAuthorization(DashboardOptions options) : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context)
        {
            var http = context.GetHttpContext();
            var remote = http.Connection.RemoteIpAddress;
            if (remote is not null && IPAddress.IsLoopback(remote)) return true;
            if (Allowed(http.Request.Headers.Authorization.ToString())) return true;
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"SalesReporting\"";
            return false;
        }

        private bool Allowed(string header)
        {
            if (string.IsNullOrEmpty(options.User) || string.IsNullOrEmpty(options.Password)) return false;
            if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return false;
            string decoded;
            try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim())); }
            catch (FormatException) { return false; }
            var expected = Encoding.UTF8.GetBytes($"{options.User}:{options.Password}");
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(decoded), expected);
        }
    }
}
