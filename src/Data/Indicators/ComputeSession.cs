using Npgsql;

namespace SalesReporting.Data.Indicators;

/// <summary>
/// A connection of the month's compute (scores, anomalies, drafts, findings) with a transaction open and
/// the compute's server settings set for that transaction only.
/// </summary>
internal sealed class ComputeSession : IAsyncDisposable
{
    /// <summary>
    /// JIT compiling costs more than it saves on statements that each read one month once; the month's
    /// groupings (a value per rep and indicator, a trailing window per rep) fit in 64 MB instead of
    /// spilling to disk at the default 4 MB; and the compute connections already use both cores, so
    /// parallel workers per statement would only queue behind them. SET LOCAL: whatever pools the
    /// connection afterwards (with or without a reset) gets the server's own settings back.
    /// </summary>
    private const string Settings = "set local jit = off; set local work_mem = '64MB'; set local max_parallel_workers_per_gather = 0";

    private ComputeSession(NpgsqlConnection connection, NpgsqlTransaction transaction) => (Connection, Transaction) = (connection, transaction);

    public NpgsqlConnection Connection { get; }
    public NpgsqlTransaction Transaction { get; }

    public static async Task<ComputeSession> BeginAsync(NpgsqlDataSource source, CancellationToken ct)
    {
        var connection = await source.OpenConnectionAsync(ct);
        try
        {
            var transaction = await connection.BeginTransactionAsync(ct);
            await using (var cmd = new NpgsqlCommand(Settings, connection, transaction))
                await cmd.ExecuteNonQueryAsync(ct);
            return new ComputeSession(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public Task CommitAsync(CancellationToken ct) => Transaction.CommitAsync(ct);

    /// <summary>Rolls back what was not committed and returns the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
