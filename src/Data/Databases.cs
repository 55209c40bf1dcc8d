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
        new(NpgsqlDataSource.Create(crm), NpgsqlDataSource.Create(finance), NpgsqlDataSource.Create(reporting));

    public async ValueTask DisposeAsync()
    {
        await Crm.DisposeAsync();
        await Finance.DisposeAsync();
        await Reporting.DisposeAsync();
    }
}
