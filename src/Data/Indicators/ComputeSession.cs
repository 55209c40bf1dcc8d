namespace SalesReporting.Data.Indicators;

/// <summary>Server settings of the connections that compute a month (scores, anomalies, findings).</summary>
internal static class ComputeSession
{
    /// <summary>
    /// JIT compiling costs more than it saves on statements that each read one month once; the month's
    /// groupings (a value per rep and indicator, a trailing window per rep) fit in 64 MB instead of
    /// spilling to disk at the default 4 MB; and the two compute connections already use both cores,
    /// so parallel workers per statement would only queue behind them. Set for the session: a pooled
    /// connection is reset when it is returned.
    /// </summary>
    public const string Settings = "set jit = off; set work_mem = '64MB'; set max_parallel_workers_per_gather = 0";

    public static async Task<Npgsql.NpgsqlConnection> OpenAsync(Npgsql.NpgsqlDataSource source, CancellationToken ct)
    {
        var conn = await source.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new Npgsql.NpgsqlCommand(Settings, conn);
            await cmd.ExecuteNonQueryAsync(ct);
            return conn;
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }
}
