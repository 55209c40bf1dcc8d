using Dapper;
using Npgsql;

namespace SalesReporting.Demo;

/// <summary>The demo would replace tables that hold rows it did not write; nothing was changed.</summary>
public sealed class DemoRefusedException(string message) : Exception(message);

/// <summary>
/// How the demo knows a source database is its own before it replaces its tables (docs/input.md, "demo"): each of the
/// tables it replaces is absent or empty, or the schema holds the marker table the demo writes with its rows
/// (<c>crm.demo_marker</c>, <c>finance.demo_marker</c>), or (a database loaded by a demo older than the marker) every person
/// in it is of the demo's domain: the CRM's reps and team managers all have @demo.example addresses, the finance
/// system's invoices all belong to the demo's reps R001–R021. Anything else is someone's data, replaced only with
/// <c>--replace-existing</c>.
/// </summary>
public static class DemoDatabases
{
    public const string MarkerTable = "demo_marker";
    public const string MarkerNote = "written by the demo (tools/Demo): the demo may replace this schema's source tables";

    public static readonly string[] CrmTables = ["teams", "reps", "customers", "leads", "activities", "opportunities", "surveys"];
    public static readonly string[] FinanceTables = ["invoices", "payments"];

    /// <summary>Null when the demo may replace the schema's tables; otherwise what they hold that the demo did not write.</summary>
    public static async Task<string?> ForeignRowsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string schema, IReadOnlyList<string> tables, CancellationToken ct)
    {
        var existing = (await conn.QueryAsync<string>(new CommandDefinition("""
            select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = @schema and c.relname = any(@tables) and c.relkind in ('r', 'p')
            """, new { schema, tables = tables.ToArray() }, tx, cancellationToken: ct))).ToHashSet(StringComparer.Ordinal);
        var counts = new List<(string Table, long Rows)>();
        foreach (var table in tables.Where(existing.Contains))
        {
            var rows = await conn.ExecuteScalarAsync<long>(new CommandDefinition($"select count(*) from {schema}.{table}", transaction: tx, cancellationToken: ct));
            if (rows > 0) counts.Add(($"{schema}.{table}", rows));
        }
        if (counts.Count == 0) return null;
        if (await conn.ExecuteScalarAsync<bool>(new CommandDefinition("select to_regclass(@marker) is not null",
                new { marker = $"{schema}.{MarkerTable}" }, tx, cancellationToken: ct)))
            return null;
        if (await WrittenByAnEarlierDemoAsync(conn, tx, schema, existing, ct)) return null;
        return string.Join(", ", counts.Select(c => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{c.Table}: {c.Rows:N0} row{(c.Rows == 1 ? "" : "s")}")));
    }

    private static async Task<bool> WrittenByAnEarlierDemoAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string schema, IReadOnlySet<string> existing, CancellationToken ct)
    {
        var check = schema switch
        {
            "crm" when existing.Contains("reps") && existing.Contains("teams") => """
                select exists (select 1 from crm.reps) and not exists (select 1 from crm.reps where email is null or email not like '%@demo.example')
                   and not exists (select 1 from crm.teams where manager_email is null or manager_email not like '%@demo.example')
                """,
            "finance" when existing.Contains("invoices") => """
                select not exists (select 1 from finance.invoices where rep_id is null or rep_id !~ '^R0(0[1-9]|1[0-9]|2[01])$')
                """,
            _ => null,
        };
        if (check is null) return false;
        await conn.ExecuteAsync(new CommandDefinition("savepoint demo_check", transaction: tx, cancellationToken: ct));
        try
        {
            var mine = await conn.ExecuteScalarAsync<bool>(new CommandDefinition(check, transaction: tx, cancellationToken: ct));
            await conn.ExecuteAsync(new CommandDefinition("release savepoint demo_check", transaction: tx, cancellationToken: ct));
            return mine;
        }
        catch (PostgresException)
        {
            // Tables of another shape (no email column, ...): not the demo's.
            await conn.ExecuteAsync(new CommandDefinition("rollback to savepoint demo_check", transaction: tx, cancellationToken: ct));
            return false;
        }
    }

    /// <summary>Written in the transaction that writes the demo's rows.</summary>
    public static Task WriteMarkerAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string schema, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition($"""
            create table if not exists {schema}.{MarkerTable}(written_at timestamptz not null default now(), note text not null);
            delete from {schema}.{MarkerTable};
            insert into {schema}.{MarkerTable}(note) values (@note);
            """, new { note = MarkerNote }, tx, cancellationToken: ct));

    public static string Describe(NpgsqlConnection conn, string setting) =>
        $"{setting} (database {conn.Database} on {conn.Host}:{conn.Port})";
}
