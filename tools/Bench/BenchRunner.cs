using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Sources;

namespace SalesReporting.Bench;

/// <summary>
/// The bench (docs/bench.md): every stage of the month-end on the bench organisation, each measured against
/// its floor in the same run on the same data. Generates (or reuses) the data and runs the chosen stages in
/// order, doing untimed what a later stage needs from a skipped one. Prints nothing itself; <see cref="BenchCommand"/> does.
/// </summary>
public sealed class BenchRunner(IServiceProvider services, BenchSettings settings, IBenchProgress progress)
{
    public async Task<BenchReport> RunAsync(CancellationToken ct)
    {
        var bench = new BenchContext(services, settings, progress);
        var size = new BenchSize(settings.Reps, settings.Months);
        Migrator.Migrate(bench.Db.Reporting.ConnectionString);
        var (counts, generated) = await DataAsync(bench, size, ct);

        var stages = settings.Stages.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var sync = new SyncStage(bench);
        if (stages.Contains("sync")) await sync.RunAsync(counts, ct);
        else if (!await sync.StagingIsCurrentAsync(counts, ct)) await bench.UntimedAsync("staging is not current: sync first (not timed)", () => services.GetRequiredService<SourceSync>().RunAsync(ct));
        await PrepareAsync(bench, ct);

        var compute = new ComputeStage(bench);
        ComputeResult? computed = null;
        if (stages.Contains("compute")) computed = await compute.RunAsync(ct);
        else if (!await compute.HasValuesAsync(ct)) await bench.UntimedAsync($"no indicator values for {bench.Period}: compute first (not timed)", () => services.GetRequiredService<IndicatorCompute>().ComputeAsync(bench.Period, ct));

        var rendered = stages.Contains("render") ? await new RenderStage(bench).RunAsync(ct) : new Rendered([], 0);
        var delivered = stages.Contains("deliver") ? await new DeliverStage(bench).RunAsync(rendered.Printed, ct) : new Delivered(rendered.Printed, 0, 0);
        if (stages.Contains("workspace")) await new WorkspaceStage(bench).RunAsync(ct);
        // monthend: one and two processes (--monthend-processes), then the takeover; takeover alone: only the pass with a process killed.
        if (stages.Contains("monthend") || stages.Contains("takeover"))
            await new MonthEndStage(bench).RunAsync(stages.Contains("monthend") ? settings.MonthEndProcesses : [], settings.MonthEndTakeover, ct);

        return new BenchReport(size, counts, generated, bench.Figures, bench.Notes, computed, delivered.Printed.Count, rendered.FloorPages,
            delivered.LedgerMessages, delivered.BareMessages, bench.Latencies);
    }

    /// <summary>The bench organisation of this size: generated, or the one already there (then a note says so).</summary>
    private static async Task<(BenchData.Counts Counts, TimeSpan? Generated)> DataAsync(BenchContext bench, BenchSize size, CancellationToken ct)
    {
        var tz = bench.Services.GetRequiredService<IOptions<CompanyOptions>>().Value.TimeZone;
        if (bench.Settings.Regenerate || !await BenchData.IsPresentAsync(bench.Db, size, tz, ct))
        {
            var task = bench.Progress.Start($"generate {size.Reps:N0} reps × {size.Months} months", 1);
            var sw = Stopwatch.StartNew();
            var counts = await BenchData.GenerateAsync(bench.Db, size, tz, (name, done, total) => { task.MaxValue = total; task.Value = done; task.Description = $"generate: {name}"; }, ct);
            var generated = sw.Elapsed;
            task.Complete($"generated {counts.Total:N0} source rows in {sw.Elapsed.TotalSeconds:N0} s");
            return (counts, generated);
        }
        var present = await BenchData.CountAsync(bench.Db, ct);
        bench.Notes.Add($"bench data of {size.Reps:N0} reps × {size.Months} months already present ({present.Total:N0} rows); --regenerate to rebuild it");
        return (present, null);
    }

    /// <summary>What autovacuum would do after a bulk load, and targets for the bench month, so the forms show completions.</summary>
    private static async Task PrepareAsync(BenchContext bench, CancellationToken ct)
    {
        await using var conn = await bench.Db.Reporting.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into reporting.target(rep_id, period, indicator, target, source_file)
            select r.rep_id, @p, i.code,
                   case i.code when 'revenue' then 40 when 'collection_rate' then 90 when 'new_customers' then 2 when 'avg_order_value' then 12
                               when 'gross_margin' then 30 when 'visits' then 25 when 'effective_visits' then 8 when 'lead_conversion' then 20
                               when 'proposals' then 5 when 'negotiation_cycle' then 30 when 'customer_satisfaction' then 4.2 else 10 end
                   * case when i.unit in ('percent', 'score', 'days') then 1 else 0.8 + (hashtext(r.rep_id) & 255) / 640.0 end,
                   'bench'
            from staging.reps r cross join reporting.indicator i
            where i.has_target and i.enabled
            on conflict (rep_id, period, indicator) do nothing
            """, new { p = bench.Period.Start }, commandTimeout: 0, cancellationToken: ct));
        var staged = string.Join(", ", SourceTables.All.Select(t => t.Staging));
        await conn.ExecuteAsync(new CommandDefinition($"vacuum analyze {staged}", commandTimeout: 0, cancellationToken: ct));
    }
}
