using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Data.Indicators;

namespace SalesReporting.Bench;

/// <summary>The compute stage: the bench month computed for the first time, and its parts (indicators alone, a
/// recompute, the catalog queries without writing, the writes without computing), against GROUP BY scans of the
/// month's rows.</summary>
internal sealed class ComputeStage(BenchContext bench)
{
    private readonly Databases db = bench.Db;
    private readonly Period period = bench.Period;

    /// <summary>
    /// The floor of computing a month: for each staged table an indicator reads, one
    /// <c>select rep_id, count(*) … where &lt;its date column&gt; in the month group by rep_id</c> — every row of
    /// the month read once and grouped by rep, nothing joined, nothing written, on one connection, JIT off
    /// (as for the indicators). The planner reads them with whatever index serves best, as it does for the indicators.
    /// </summary>
    private static readonly (string Table, string Predicate)[] FloorScans =
    [
        ("activities", "occurred_at >= @from and occurred_at < @to"),
        ("leads", "(qualified_at >= @from and qualified_at < @to) or (converted_at >= @from and converted_at < @to)"),
        ("opportunities", "won_at >= @from and won_at < @to"),
        ("invoices", "issued_on between @start and @end or due_on between @start and @end"),
        ("surveys", "answered_at >= @from and answered_at < @to"),
    ];

    private async Task<(TimeSpan Time, long Rows)> FloorAsync(CancellationToken ct)
    {
        var tz = bench.Services.GetRequiredService<IOptions<CompanyOptions>>().Value.ResolveTimeZone();
        DateTime Utc(DateOnly d) => TimeZoneInfo.ConvertTimeToUtc(d.ToDateTime(TimeOnly.MinValue), tz);
        var args = new { from = Utc(period.Start), to = Utc(period.End.AddDays(1)), start = period.Start, end = period.End };
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        // As for the indicator queries: JIT costs more than it saves on a month's rows.
        await conn.ExecuteAsync(new CommandDefinition("set jit = off", cancellationToken: ct));
        long rows = 0;
        var sw = Stopwatch.StartNew();
        foreach (var (table, predicate) in FloorScans)
        {
            var groups = await conn.QueryAsync<(string, long)>(new CommandDefinition(
                $"select rep_id, count(*) from staging.{table} where {predicate} group by rep_id", args, cancellationToken: ct));
            rows += groups.Sum(g => g.Item2);
        }
        return (sw.Elapsed, rows);
    }

    /// <summary>Rounds of the compute stage; each figure is the best round, which on a shared machine is the one least disturbed.</summary>
    private const int ComputeRounds = 3;

    public async Task<ComputeResult> RunAsync(CancellationToken ct)
    {
        ComputeResult computed = null!;
        var compute = bench.Services.GetRequiredService<IndicatorCompute>();
        var task = bench.Progress.Start($"compute {period}: floor and ComputeAsync, best of {ComputeRounds}", ComputeRounds * 3);
        // Month-end computes a month with the year before it already stored (MoM, YoY and the z-score read
        // it), and so does the bench: months never computed are computed once here, untimed, and kept.
        var history = await compute.ComputeHistoryAsync(period, ct);
        if (history.Count > 0) bench.Notes.Add($"compute: {history.Count} earlier month(s) computed once first, as month-end would have: MoM, YoY and the z-score read them");
        await FloorAsync(ct); // the first pass only brings the month's pages into memory, for both sides alike
        int reps;
        await using (var conn = await db.Reporting.OpenConnectionAsync(ct))
            reps = await conn.ExecuteScalarAsync<int>(new CommandDefinition("select count(*) from staging.reps where active", cancellationToken: ct));
        TimeSpan floorTime = TimeSpan.MaxValue, whole = TimeSpan.MaxValue, indicators = TimeSpan.MaxValue, again = TimeSpan.MaxValue, reads = TimeSpan.MaxValue;
        long floorRows = 0;
        ComputeResult alone = null!;
        for (var round = 0; round < ComputeRounds; round++)
        {
            await using (var conn = await db.Reporting.OpenConnectionAsync(ct))
            {
                // A month computed for the first time: nothing to replace. The values earlier rounds replaced
                // are dead rows until autovacuum passes; pass now, so every round starts alike.
                await conn.ExecuteAsync(new CommandDefinition("delete from reporting.indicator_value where period = @p", new { p = period.Start }, cancellationToken: ct));
                await conn.ExecuteAsync(new CommandDefinition("vacuum analyze reporting.indicator_value", commandTimeout: 0, cancellationToken: ct));
            }
            var (f, rows) = await FloorAsync(ct);
            floorRows = rows;
            floorTime = Min(floorTime, f);
            var sw = Stopwatch.StartNew();
            computed = await compute.ComputeAsync(period, ct);
            whole = Min(whole, sw.Elapsed);
            task.Increment(1);
            sw.Restart();
            alone = await compute.ComputeIndicatorsAsync(period, ct);
            indicators = Min(indicators, sw.Elapsed);
            task.Increment(1);
            sw.Restart();
            await compute.ComputeAsync(period, ct);
            again = Min(again, sw.Elapsed);
            task.Increment(1);
            reads = Min(reads, await QueriesOnlyAsync(ct));
        }
        task.Complete($"compute {period}: {computed.Values:N0} values in {whole.TotalSeconds:N2} s (floor {floorTime.TotalSeconds:N2} s), best of {ComputeRounds}");

        var failed = computed.Errors.Count == 0 ? "" : $"; {computed.Errors.Count} indicator(s) failed: {string.Join(", ", computed.Errors.Select(e => e.Indicator))}";
        bench.Figures.Add(new BenchFigure($"compute {period} (ComputeAsync)", "reps", reps, whole, "GROUP BY rep_id scans", reps, floorTime,
            $"{computed.Indicators} indicators, {computed.Values:N0} values, then scores, anomalies with their drafts and the findings; month computed for the first time; floor read {floorRows:N0} rows; best of {ComputeRounds}" + failed));
        bench.Figures.Add(new BenchFigure("  indicators alone (replacing)", "reps", reps, indicators, "GROUP BY rep_id scans", reps, floorTime, $"{alone.Values:N0} values"));
        bench.Figures.Add(new BenchFigure("  ComputeAsync again (replacing)", "reps", reps, again, "GROUP BY rep_id scans", reps, floorTime));
        bench.Figures.Add(new BenchFigure("  catalog queries only (no write)", "reps", reps, reads, "GROUP BY rep_id scans", reps, floorTime,
            "every catalog query run as compute runs it, its rows counted instead of written: the rest of 'indicators alone' is writing the values"));
        var (writes, written, perTable) = await WritesOnlyAsync(ct);
        bench.Figures.Add(new BenchFigure("  the month's rows written, nothing computed", "reps", reps, writes, "GROUP BY rep_id scans", reps, floorTime,
            $"the {written:N0} rows compute writes for the month (values, scores, anomalies, findings) copied by the server into tables like theirs, with their keys and indexes, a table per connection: what writing alone costs; each table alone: "
            + string.Join(", ", perTable.Select(t => $"{t.Table} {t.Rows:N0} rows {t.Time.TotalSeconds:N3} s"))));
        return computed;
    }

    /// <summary>The tables compute writes a month's rows into.</summary>
    private static readonly string[] ComputedTables = ["indicator_value", "rep_score", "anomaly", "finding", "new_hire_ramp"];

    /// <summary>
    /// What writing a computed month costs with nothing to compute: the month's rows of every table compute
    /// writes, copied by the server (insert … select, nothing sent over the wire) into empty tables created
    /// like them (same columns, keys and indexes), each table on its own connection as compute writes them.
    /// </summary>
    private async Task<(TimeSpan Time, long Rows, (string Table, long Rows, TimeSpan Time)[] PerTable)> WritesOnlyAsync(CancellationToken ct)
    {
        async Task CreateAsync()
        {
            await using var conn = await db.Reporting.OpenConnectionAsync(ct);
            await conn.ExecuteAsync(new CommandDefinition("drop schema if exists bench_writes cascade; create schema bench_writes", cancellationToken: ct));
            foreach (var table in ComputedTables)
                await conn.ExecuteAsync(new CommandDefinition(
                    $"create table bench_writes.{table} (like reporting.{table} including defaults including constraints including indexes)", cancellationToken: ct));
        }
        async Task<(string, long, TimeSpan)> CopyAsync(string table)
        {
            await using var conn = await db.Reporting.OpenConnectionAsync(ct);
            var own = Stopwatch.StartNew();
            var n = await conn.ExecuteAsync(new CommandDefinition(
                $"insert into bench_writes.{table} select * from reporting.{table} where period = @p", new { p = period.Start }, commandTimeout: 0, cancellationToken: ct));
            return (table, n, own.Elapsed);
        }
        // Each table alone first, for what each costs; then all at once, as compute writes them, for the figure.
        await CreateAsync();
        var perTable = new List<(string, long, TimeSpan)>();
        foreach (var table in ComputedTables) perTable.Add(await CopyAsync(table));
        await CreateAsync();
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(ComputedTables.Select(CopyAsync));
        var time = sw.Elapsed;
        await using (var conn = await db.Reporting.OpenConnectionAsync(ct))
            await conn.ExecuteAsync(new CommandDefinition("drop schema bench_writes cascade", cancellationToken: ct));
        return (time, perTable.Sum(t => t.Item2), perTable.ToArray());
    }

    /// <summary>The catalog queries alone, side by side as ComputeAsync runs them, their rows counted and not written.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "Catalog queries, as IndicatorCompute runs them; inputs are bound parameters.")]
    private async Task<TimeSpan> QueriesOnlyAsync(CancellationToken ct)
    {
        var options = bench.Services.GetRequiredService<IOptions<IndicatorOptions>>().Value;
        var tz = bench.Services.GetRequiredService<IOptions<CompanyOptions>>().Value.TimeZone;
        IReadOnlyList<IndicatorDefinition> catalog;
        await using (var conn = await db.Reporting.OpenConnectionAsync(ct))
            catalog = await IndicatorCompute.LoadCatalogAsync(conn, ct);
        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(catalog, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct }, async (indicator, token) =>
        {
            await using var conn = await db.Reporting.OpenConnectionAsync(token);
            await using var tx = await conn.BeginTransactionAsync(token);
            await conn.ExecuteAsync(new CommandDefinition(IndicatorCompute.QuerySettings(options.QueryTimeoutSeconds), transaction: tx, cancellationToken: token));
            await conn.ExecuteScalarAsync<long>(new CommandDefinition($"select count(*) from ({indicator.Query}) q where q::text is not null",
                new { period_start = period.Start, period_end = period.End, tz }, tx, commandTimeout: 0, cancellationToken: token));
            await tx.CommitAsync(token);
        });
        return sw.Elapsed;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Whether the bench month has indicator values; a run without this stage computes them first, untimed, when it has none.</summary>
    public async Task<bool> HasValuesAsync(CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from reporting.indicator_value where period = @p)", new { p = period.Start }, cancellationToken: ct));
    }
}
