using System.Net.Sockets;
using System.Text.Json;
using Hangfire;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using SalesReporting.Data;
using SalesReporting.Reports.Delivery;
using SalesReporting.Reports.Rendering;

namespace SalesReporting.Worker.Hosting;

/// <summary>
/// The framework's health checks: <c>/health/live</c> answers while the process runs; <c>/health/ready</c> checks what
/// a month-end needs — the reporting database, the Hangfire storage, the SMTP server (when one is configured) and that
/// Chromium prints. The answer names each check and its status; the reason of a failure goes to the log, not to an
/// anonymous caller.
/// </summary>
public static class Health
{
    private const string Ready = "ready";

    public static IServiceCollection AddReadinessChecks(this IServiceCollection services)
    {
        services.AddSingleton<ChromiumCheck>();
        services.AddHealthChecks()
            .AddCheck<ReportingDatabaseCheck>("reporting-database", tags: [Ready])
            .AddCheck<HangfireStorageCheck>("hangfire-storage", tags: [Ready])
            .AddCheck<SmtpCheck>("smtp", tags: [Ready])
            .AddCheck<ChromiumCheck>("chromium", tags: [Ready]);
        return services;
    }

    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync });
        // Kept as it always answered: the reporting database reachable.
        app.MapGet("/health", async (Databases db, CancellationToken token) =>
        {
            await using var conn = await db.Reporting.OpenConnectionAsync(token);
            await using var cmd = new NpgsqlCommand("select 1", conn);
            await cmd.ExecuteScalarAsync(token);
            return Results.Ok(new { status = "ok" });
        });
        return app;
    }

    private static async Task WriteAsync(HttpContext http, HealthReport report)
    {
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("SalesReporting.Health");
        foreach (var (name, entry) in report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy))
            logger.LogWarning(entry.Exception, "Health check {Check}: {Status}: {Description}", name, entry.Status, entry.Description);
        http.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(http.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), ms = (int)e.Value.Duration.TotalMilliseconds }),
        }, cancellationToken: http.RequestAborted);
    }

    private sealed class ReportingDatabaseCheck(Databases db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
        {
            try
            {
                await using var conn = await db.Reporting.OpenConnectionAsync(ct);
                await using var cmd = new NpgsqlCommand("select count(*) from reporting.indicator", conn);
                await cmd.ExecuteScalarAsync(ct);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("the reporting database does not answer: " + ex.Message, ex);
            }
        }
    }

    private sealed class HangfireStorageCheck(JobStorage storage) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
        {
            try
            {
                using var connection = storage.GetConnection();
                connection.GetAllItemsFromSet("recurring-jobs");
                return Task.FromResult(HealthCheckResult.Healthy());
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("the Hangfire storage does not answer: " + ex.Message, ex));
            }
        }
    }

    /// <summary>Connects and says EHLO (and logs in when a user is set); healthy without a server when mail goes to a pickup directory.</summary>
    private sealed class SmtpCheck(IOptions<SmtpOptions> options) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
        {
            var o = options.Value;
            if (string.IsNullOrWhiteSpace(o.Host)) return HealthCheckResult.Healthy("no SMTP server configured (pickup directory)");
            try
            {
                using var smtp = await SmtpTransport.ConnectAsync(o, Math.Min(o.TimeoutSeconds, 10), ct);
                await smtp.DisconnectAsync(true, ct);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is SocketException or IOException or SmtpProtocolException or SmtpCommandException or AuthenticationException or TimeoutException
                                           or OperationCanceledException && !ct.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"SMTP {o.Host}:{o.Port}: {ex.Message}", ex);
            }
        }
    }

    /// <summary>Prints a one-line page with the renderer month-end uses. The answer is kept for 30 seconds, so a probe
    /// every few seconds does not keep Chromium busy.</summary>
    private sealed class ChromiumCheck(IPdfRenderer renderer, TimeProvider clock) : IHealthCheck
    {
        private readonly SemaphoreSlim gate = new(1, 1);
        private (DateTimeOffset At, HealthCheckResult Result)? last;

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
        {
            await gate.WaitAsync(ct);
            try
            {
                if (last is { } l && clock.GetUtcNow() - l.At < TimeSpan.FromSeconds(30)) return l.Result;
                HealthCheckResult result;
                try
                {
                    var pdf = await renderer.RenderAsync("<!doctype html><meta charset=utf-8><p>health</p>", ct);
                    result = pdf.AsSpan().StartsWith("%PDF"u8) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("Chromium printed something that is not a PDF");
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    result = HealthCheckResult.Unhealthy("Chromium cannot print: " + ex.Message, ex);
                }
                last = (clock.GetUtcNow(), result);
                return result;
            }
            finally
            {
                gate.Release();
            }
        }
    }
}
