using System.Security.Cryptography;
using System.Text;
using Dapper;
using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using DbUp.Engine.Transactions;
using DbUp.Postgresql;

namespace SalesReporting.Data;

/// <summary>
/// Brings the reporting database to this build (docs/migrations.md): the numbered scripts of sql/migrations, each
/// once, then the definitions of sql/definitions (functions, views, triggers, the built-in catalog queries), each
/// again whenever its content changed. Both are journaled in public.schema_versions.
/// </summary>
public static class Migrator
{
    private const string JournalSchema = "public";
    private const string JournalTable = "schema_versions";
    private const string Objects = "definitions/";
    private const string Catalog = "definitions/catalog/";

    /// <summary>Applies what the database has not had yet; returns the journal names of the scripts it ran.</summary>
    public static IReadOnlyList<string> Migrate(string reportingConnectionString, TextWriter? log = null) =>
        Migrate(reportingConnectionString, DefinitionFiles(), log);

    /// <summary>The same with other definition files (a later version of them, in the tests).</summary>
    internal static IReadOnlyList<string> Migrate(string reportingConnectionString, IReadOnlyList<(string Name, byte[] Bytes)> definitionFiles, TextWriter? log = null)
    {
        var upgradeLog = new Log(log ?? TextWriter.Null);
        JournalRenames(reportingConnectionString);
        var migrations = Run(DeployChanges.To
            .PostgresqlDatabase(reportingConnectionString)
            .WithScriptsEmbeddedInAssembly(typeof(Migrator).Assembly, name => name.StartsWith("migrations.", StringComparison.Ordinal))
            .WithTransactionPerScript()
            .WithVariablesDisabled()
            .JournalToPostgresqlTable(JournalSchema, JournalTable)
            .LogTo(upgradeLog));
        // One transaction: a definition dropped and created again with other columns takes what depends on it
        // along, and the files after it put that back before anyone sees the gap. After a new migration every
        // function, view and trigger is defined again: the migration may have dropped one or what it stands on.
        var definitions = Run(DeployChanges.To
            .PostgresqlDatabase(reportingConnectionString)
            .WithScripts(Definitions(definitionFiles))
            .WithTransaction()
            .WithVariablesDisabled()
            .JournalTo((connections, logs) => new DefinitionJournal(connections, logs, objectsAgain: migrations.Count > 0))
            .LogTo(upgradeLog));
        return [.. migrations, .. definitions];
    }

    /// <summary>
    /// Migrations renamed after they were committed (old journal name → new): the only one,
    /// <c>0019_workspace_lookups.sql</c>, became <c>0018_workspace_lookups.sql</c> eight minutes after it was merged, to close
    /// the gap in the numbers, before any stop landed it (docs/migrations.md). A database migrated by a build of those eight
    /// minutes has the old name in its journal; renaming the entry keeps its index from being created a second time.
    /// Never add to this list: a landed migration keeps its name (MigrationManifestTests).
    /// </summary>
    internal static readonly IReadOnlyList<(string Old, string New)> Renamed =
        [("migrations.0019_workspace_lookups.sql", "migrations.0018_workspace_lookups.sql")];

    private static void JournalRenames(string reportingConnectionString)
    {
        using var conn = new Npgsql.NpgsqlConnection(reportingConnectionString);
        conn.Open();
        if (conn.ExecuteScalar<string?>($"select to_regclass('{JournalSchema}.{JournalTable}')::text") is null) return;
        foreach (var (old, renamed) in Renamed)
            conn.Execute($"""
                update {JournalSchema}.{JournalTable} set scriptname = @renamed
                where scriptname = @old and not exists (select 1 from {JournalSchema}.{JournalTable} where scriptname = @renamed)
                """, new { old, renamed });
    }

    /// <summary>
    /// The definitions in the order they run, each named by its file and version (<c>definitions/NNN_x.sql@version</c>).
    /// A file of sql/definitions may depend on the files before it, so its version is the hash of itself and of
    /// every file before it: a changed file runs again with every file after it (and all of them after a new
    /// migration). A built-in catalog query (sql/definitions/catalog) depends on nothing here; it runs again when
    /// its own file changes.
    /// </summary>
    internal static IReadOnlyList<SqlScript> Definitions() => Definitions(DefinitionFiles());

    internal static IReadOnlyList<SqlScript> Definitions(IReadOnlyList<(string Name, byte[] Bytes)> files)
    {
        var scripts = new List<SqlScript>();
        using var chain = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, bytes) in files.Where(f => !f.Name.StartsWith(Catalog, StringComparison.Ordinal)).OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            chain.AppendData(Encoding.UTF8.GetBytes(name));
            chain.AppendData(bytes);
            scripts.Add(Script(name, chain.GetCurrentHash(), bytes, runGroup: 1));
        }
        foreach (var (name, bytes) in files.Where(f => f.Name.StartsWith(Catalog, StringComparison.Ordinal)).OrderBy(f => f.Name, StringComparer.Ordinal))
            scripts.Add(Script(name, SHA256.HashData(bytes), bytes, runGroup: 2));
        return scripts;
    }

    private static SqlScript Script(string name, byte[] hash, byte[] bytes, int runGroup) =>
        new($"{name}@{Convert.ToHexStringLower(hash)[..16]}", Encoding.UTF8.GetString(bytes), new SqlScriptOptions { RunGroupOrder = runGroup });

    /// <summary>The files of sql/definitions as this build has them (embedded), named <c>definitions/[catalog/]file.sql</c>.</summary>
    internal static IReadOnlyList<(string Name, byte[] Bytes)> DefinitionFiles()
    {
        var assembly = typeof(Migrator).Assembly;
        return assembly.GetManifestResourceNames().Where(n => n.StartsWith(Objects, StringComparison.Ordinal)).Select(name =>
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return (name, copy.ToArray());
        }).ToList();
    }

    private static List<string> Run(DbUp.Builder.UpgradeEngineBuilder builder)
    {
        var result = builder.Build().PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
        return result.Scripts.Select(s => s.Name).ToList();
    }

    /// <summary>
    /// The definitions' view of public.schema_versions: a definition counts as applied only in the version applied
    /// last, so a file changed back to an earlier content runs again; with <paramref name="objectsAgain"/>, only
    /// the catalog queries count as applied.
    /// </summary>
    private sealed class DefinitionJournal(Func<IConnectionManager> connections, Func<IUpgradeLog> log, bool objectsAgain)
        : PostgresqlTableJournal(connections, log, JournalSchema, JournalTable)
    {
        protected override string GetJournalEntriesSql() => $"""
            select distinct on (split_part(scriptname, '@', 1)) scriptname
            from {FqSchemaTableName}
            where scriptname like '{(objectsAgain ? Catalog : Objects)}%'
            order by split_part(scriptname, '@', 1), schemaversionsid desc
            """;
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
