using DbUp;
using DbUp.Engine.Output;

namespace SalesReporting.Data;

/// <summary>Applies the numbered scripts of sql/migrations to the reporting database, once each.</summary>
public static class Migrator
{
    public static IReadOnlyList<string> Migrate(string reportingConnectionString, TextWriter? log = null)
    {
        var upgrader = DeployChanges.To
            .PostgresqlDatabase(reportingConnectionString)
            .WithScriptsEmbeddedInAssembly(typeof(Migrator).Assembly, name => name.StartsWith("migrations.", StringComparison.Ordinal))
            .WithTransactionPerScript()
            .WithVariablesDisabled()
            .JournalToPostgresqlTable("public", "schema_versions")
            .LogTo(new Log(log ?? TextWriter.Null))
            .Build();
        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
        return result.Scripts.Select(s => s.Name).ToList();
    }

    private sealed class Log(TextWriter writer) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }
        public void LogDebug(string format, params object[] args) { }
        public void LogInformation(string format, params object[] args) => writer.WriteLine(format, args);
        public void LogWarning(string format, params object[] args) => writer.WriteLine(format, args);
        public void LogError(string format, params object[] args) => writer.WriteLine(format, args);
        public void LogError(Exception ex, string format, params object[] args) => writer.WriteLine(format, args);
    }
}
