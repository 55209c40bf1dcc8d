using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace SalesReporting.Worker.Hosting;

public static class HangfireStorage
{
    /// <summary>The schema of Hangfire's tables in the reporting database.</summary>
    public const string Schema = "hangfire";

    /// <summary>The Hangfire storage `serve` uses (schema hangfire in reporting), also for processes that schedule
    /// jobs without running a server; the same serializer settings, so either reads what the other wrote.</summary>
    /// <param name="invisibility">how long a job fetched by a server that stopped answering stays invisible to the others
    /// (Hangfire:InvisibilityTimeoutSeconds). The invisibility slides: a live server keeps renewing it for the jobs it
    /// runs, however long they take, so only a dead server's jobs are taken over, this long after their last renewal.</param>
    public static JobStorage Create(string reporting, TimeSpan? invisibility = null)
    {
        GlobalConfiguration.Configuration.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = Schema,
            PrepareSchemaIfNecessary = true,
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = invisibility ?? TimeSpan.FromSeconds(HangfireServerOptions.DefaultInvisibilityTimeoutSeconds),
            // A job enqueued (month-end-close, its team jobs) wakes the idle workers of every server at once, by
            // PostgreSQL's LISTEN/NOTIFY, instead of waiting for their next poll of the queue (every 15 s).
            EnableLongPolling = true,
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(reporting, options), options);
    }
}
