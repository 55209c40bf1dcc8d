using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using SalesReporting.Data;
using SalesReporting.Data.Sources;

namespace SalesReporting.Bench;

/// <summary>The sync stage: every source row pulled into emptied staging, against a raw binary COPY of the same rows.</summary>
internal sealed class SyncStage(BenchContext bench)
{
    private readonly Databases db = bench.Db;

    /// <summary>
    /// SourceSync's full pull (staging emptied first) against the floor: every source table streamed by a
    /// raw binary COPY out of the source straight into a COPY into an index-free copy of its staging table.
    /// </summary>
    public async Task RunAsync(BenchData.Counts counts, CancellationToken ct)
    {
        await using (var conn = await db.Reporting.OpenConnectionAsync(ct))
        {
            var staged = string.Join(", ", SourceTables.All.Select(t => t.Staging));
            await conn.ExecuteAsync(new CommandDefinition(
                $"truncate {staged}, staging.quarantine, staging.sync_run, staging.watermark", commandTimeout: 0, cancellationToken: ct));
        }
        var task = bench.Progress.Start("sync: SourceSync full pull", 1);
        var sw = Stopwatch.StartNew();
        var result = await bench.Services.GetRequiredService<SourceSync>().RunAsync(ct);
        var syncTime = sw.Elapsed;
        task.Complete($"sync: {result.Upserted:N0} rows staged in {syncTime.TotalSeconds:N1} s");

        task = bench.Progress.Start("sync floor: bare binary COPY", SourceTables.All.Count);
        long copied = 0;
        var floor = TimeSpan.Zero;
        await using (var target = await db.Reporting.OpenConnectionAsync(ct))
        {
            await target.ExecuteAsync(new CommandDefinition("create schema if not exists bench_floor", cancellationToken: ct));
            foreach (var table in SourceTables.All)
            {
                var columns = string.Join(", ", table.Columns.Select(c => c.Name));
                await target.ExecuteAsync(new CommandDefinition(
                    $"drop table if exists bench_floor.{table.Name}; create table bench_floor.{table.Name} (like {table.Staging})", cancellationToken: ct));
                await using var source = await db.Source(table.System).OpenConnectionAsync(ct);
                sw.Restart();
                await using (var reader = await source.BeginRawBinaryCopyAsync($"copy (select {columns} from {table.Source}) to stdout (format binary)", ct))
                await using (var writer = await target.BeginRawBinaryCopyAsync($"copy bench_floor.{table.Name}({columns}) from stdin (format binary)", ct))
                {
                    await reader.CopyToAsync(writer, 1 << 16, ct);
                }
                floor += sw.Elapsed;
                copied += await target.ExecuteScalarAsync<long>(new CommandDefinition($"select count(*) from bench_floor.{table.Name}", cancellationToken: ct));
                task.Increment(1);
            }
            await target.ExecuteAsync(new CommandDefinition("drop schema bench_floor cascade", cancellationToken: ct));
        }
        task.Complete($"sync floor: {copied:N0} rows copied in {floor.TotalSeconds:N1} s");
        bench.Figures.Add(new BenchFigure("sync (SourceSync, full pull)", "rows", result.Upserted, syncTime, "binary COPY source → table", copied, floor,
            result.Quarantined > 0 ? $"{result.Quarantined:N0} rows quarantined" : null));
        if (result.Read != counts.Total)
            bench.Notes.Add($"sync read {result.Read:N0} rows but the source holds {counts.Total:N0}");
    }

    /// <summary>Whether staging holds every source row; a run without this stage syncs first, untimed, when it does not.</summary>
    public async Task<bool> StagingIsCurrentAsync(BenchData.Counts counts, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        foreach (var (table, rows) in counts.Tables)
            if (await conn.ExecuteScalarAsync<long>(new CommandDefinition($"select count(*) from {SourceTables.All.Single(t => t.Source == table).Staging}", cancellationToken: ct)) != rows)
                return false;
        return true;
    }
}
