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

        var (copied, floor, indexes) = await CopyFloorAsync("sync floor: bare binary COPY", null, ct);
        var indexTime = indexes.Aggregate(TimeSpan.Zero, (sum, b) => sum + b.Time);
        bench.Figures.Add(new BenchFigure("sync (SourceSync, full pull)", "rows", result.Upserted, syncTime, "binary COPY source → table", copied, floor,
            result.Quarantined > 0 ? $"{result.Quarantined:N0} rows quarantined" : null));
        // The same pull against a floor that also leaves the rows indexed as staging keeps them: a pull cannot end below it.
        bench.Figures.Add(new BenchFigure("  the same pull, against COPY + staging's indexes", "rows", result.Upserted, syncTime,
            "binary COPY, then each staging index built on the copy", copied, floor + indexTime,
            $"{indexes.Count} indexes built on the copies in {indexTime.TotalSeconds:N1} s, one at a time, with the first pull's maintenance_work_mem " +
            $"({SourceSync.FirstPullMaintenanceMemory}); the largest: {string.Join(", ", indexes.OrderByDescending(i => i.Time).Take(3).Select(i => $"{i.Name} {i.Time.TotalSeconds:N1} s"))}"));

        // A day's changes: 1% of every source table's rows edited, then the pull past each table's watermark.
        DateTime touchedAt;
        await using (var conn = await db.Reporting.OpenConnectionAsync(ct))
            touchedAt = await conn.ExecuteScalarAsync<DateTime>(new CommandDefinition("select now()", cancellationToken: ct));
        long touched = 0;
        await bench.UntimedAsync("sync: a day's changes, 1% of every source table's rows edited (not timed)",
            async () => touched = await BenchData.TouchAsync(db, 0.01, "sync", ct));
        task = bench.Progress.Start("sync: SourceSync incremental pull", 1);
        sw.Restart();
        var incremental = await bench.Services.GetRequiredService<SourceSync>().RunAsync(ct);
        var incrementalTime = sw.Elapsed;
        task.Complete($"sync incremental: {incremental.Read:N0} rows read, {incremental.Upserted:N0} staged in {incrementalTime.TotalSeconds:N1} s");
        var (changed, changedFloor, _) = await CopyFloorAsync("sync incremental floor: bare binary COPY of the changed rows", touchedAt, ct);
        bench.Figures.Add(new BenchFigure("sync (SourceSync, incremental: a day's changes)", "rows", incremental.Read, incrementalTime,
            "binary COPY of the changed rows", changed, changedFloor,
            $"{touched:N0} rows edited (1% of each source table); the pull re-reads the {Overlap()} minutes before each table's watermark too; goal: ≤ 5 s at 10,000 reps"));
        if (result.Read != counts.Total)
            bench.Notes.Add($"sync read {result.Read:N0} rows but the source holds {counts.Total:N0}");
    }

    private int Overlap() => bench.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SourceOptions>>().Value.OverlapMinutes;

    /// <summary>The floor: every source table (or its rows changed since <paramref name="since"/>) streamed by a raw
    /// binary COPY out of the source straight into a COPY into an index-free copy of its staging table. For the full pull
    /// (no <paramref name="since"/>), each of the staging table's indexes is then built on the copy, timed apart.</summary>
    private async Task<(long Copied, TimeSpan Time, IReadOnlyList<(string Name, TimeSpan Time)> Indexes)> CopyFloorAsync(
        string what, DateTime? since, CancellationToken ct)
    {
        var built = new List<(string Name, TimeSpan Time)>();
        var task = bench.Progress.Start(what, SourceTables.All.Count);
        long copied = 0;
        var floor = TimeSpan.Zero;
        var sw = new Stopwatch();
        // A timestamp this process read from the server, written as a literal (COPY takes no parameters).
        var where = since is { } t ? $" where updated_at >= '{t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture)}+00'" : "";
        await using (var target = await db.Reporting.OpenConnectionAsync(ct))
        {
            await target.ExecuteAsync(new CommandDefinition("create schema if not exists bench_floor", cancellationToken: ct));
            if (since is null)
                await target.ExecuteAsync(new CommandDefinition($"set maintenance_work_mem = '{SourceSync.FirstPullMaintenanceMemory}'", cancellationToken: ct));
            foreach (var table in SourceTables.All)
            {
                var columns = table.ColumnList;
                await target.ExecuteAsync(new CommandDefinition(
                    $"drop table if exists bench_floor.{table.Name}; create table bench_floor.{table.Name} (like {table.Staging})", cancellationToken: ct));
                await using var source = await db.Source(table.System).OpenConnectionAsync(ct);
                sw.Restart();
                await using (var reader = await source.BeginRawBinaryCopyAsync($"copy (select {columns} from {table.Source}{where}) to stdout (format binary)", ct))
                await using (var writer = await target.BeginRawBinaryCopyAsync($"copy bench_floor.{table.Name}({columns}) from stdin (format binary)", ct))
                {
                    await reader.CopyToAsync(writer, 1 << 16, ct);
                }
                floor += sw.Elapsed;
                copied += await target.ExecuteScalarAsync<long>(new CommandDefinition($"select count(*) from bench_floor.{table.Name}", cancellationToken: ct));
                if (since is null)
                {
                    // Staging's own definitions, each pointed at the copy (an index lives in its table's schema, so the
                    // names do not clash); the key's as a unique index, which is what its constraint builds.
                    var definitions = await target.QueryAsync<(string Name, string Definition)>(new CommandDefinition(
                        "select indexname, indexdef from pg_indexes where schemaname = 'staging' and tablename = @name order by indexname",
                        new { name = table.Name }, cancellationToken: ct));
                    foreach (var (name, definition) in definitions)
                    {
                        var onCopy = definition.Replace($" ON {table.Staging} ", $" ON bench_floor.{table.Name} ", StringComparison.Ordinal);
                        if (onCopy == definition) throw new InvalidOperationException($"index {name}: cannot point its definition at the copy: {definition}");
                        sw.Restart();
                        await target.ExecuteAsync(new CommandDefinition(onCopy, commandTimeout: 0, cancellationToken: ct));
                        built.Add((name, sw.Elapsed));
                    }
                }
                task.Increment(1);
            }
            await target.ExecuteAsync(new CommandDefinition("drop schema bench_floor cascade; reset maintenance_work_mem", cancellationToken: ct));
        }
        task.Complete($"{what}: {copied:N0} rows copied in {floor.TotalSeconds:N1} s" + (built.Count > 0 ? $"; {built.Count} indexes built on the copies" : ""));
        return (copied, floor, built);
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
