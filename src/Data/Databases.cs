using Npgsql;

namespace SalesReporting.Data;

/// <summary>The three databases: two we only read (crm, finance), and ours (reporting).</summary>
public sealed class Databases(NpgsqlDataSource crm, NpgsqlDataSource finance, NpgsqlDataSource reporting) : IAsyncDisposable
{
    // snake_case columns map to PascalCase members everywhere (rep_id → RepId); every query goes through here first.
    static Databases() => Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;

    /// <summary>The names of the three connection strings (ConnectionStrings:Crm, ...).</summary>
    public static readonly string[] Names = ["Crm", "Finance", "Reporting"];

    public NpgsqlDataSource Crm { get; } = crm;
    public NpgsqlDataSource Finance { get; } = finance;
    public NpgsqlDataSource Reporting { get; } = reporting;

    public NpgsqlDataSource Source(string system) => system switch
    {
        "crm" => Crm,
        "finance" => Finance,
        _ => throw new ArgumentOutOfRangeException(nameof(system), system, "Source system must be 'crm' or 'finance'."),
    };

    public static Databases Create(string crm, string finance, string reporting) =>
        new(NpgsqlDataSource.Create(crm), NpgsqlDataSource.Create(finance), NpgsqlDataSource.Create(Prepared(reporting)));

    /// <summary>How many statements each connection to the reporting database keeps prepared (Npgsql's Max Auto Prepare)
    /// when its connection string does not say.</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// The reporting database's connection string, with Npgsql's automatic preparation on unless it sets
    /// <c>Max Auto Prepare</c> itself (0 turns it off, for a pooler that cannot keep prepared statements). The product runs
    /// the same statements again and again — the ledger's three per message, a team job's reads per team — and
    /// PostgreSQL parses and plans each of them every time unless it is prepared: the ledger's share of PostgreSQL's CPU
    /// fell by a quarter to a third (docs/bench.md). Only ours: the sources are someone else's servers, read a few times an hour.
    /// </summary>
    public static string Prepared(string connectionString)
    {
        // Npgsql's builder lists the keys the string sets, each under its own name whatever spelling was given.
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Keys.Cast<string>().Contains("Max Auto Prepare", StringComparer.Ordinal))
            return connectionString;
        builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        return builder.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        await Crm.DisposeAsync();
        await Finance.DisposeAsync();
        await Reporting.DisposeAsync();
    }
}
