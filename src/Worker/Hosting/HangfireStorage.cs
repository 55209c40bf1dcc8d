using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace SalesReporting.Worker.Hosting;

public static class HangfireStorage
{
    /// <summary>The Hangfire storage `serve` uses (schema hangfire in reporting), also for processes that schedule
    /// jobs without running a server; the same serializer settings, so either reads what the other wrote.</summary>
    public static JobStorage Create(string reporting)
    {
        GlobalConfiguration.Configuration.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
        var options = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(reporting, options), options);
    }
}
