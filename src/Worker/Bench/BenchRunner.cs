using System.Diagnostics;
using Dapper;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using Npgsql;
using PuppeteerSharp;
using PuppeteerSharp.Media;
using SalesReporting.Data;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Sources;
using SalesReporting.Reports.Delivery;
using SalesReporting.Reports.Forms;
using SalesReporting.Reports.Rendering;
using SalesReporting.Worker.Hosting;

namespace SalesReporting.Worker.Bench;

public sealed record BenchSettings
{
    public static readonly string[] AllStages = ["sync", "compute", "render", "deliver"];
    public int Reps { get; init; } = 10_000;
    public int Months { get; init; } = 12;
    public bool Regenerate { get; init; }
    public IReadOnlyCollection<string> Stages { get; init; } = AllStages;
    /// <summary>Forms printed (and then delivered) by the render stage.</summary>
    public int Forms { get; init; } = 500;
    /// <summary>Forms printed one call each, for the naive rate.</summary>
    public int NaiveForms { get; init; } = 20;
    /// <summary>The bench databases are {Prefix}_crm, {Prefix}_finance and {Prefix}_reporting.</summary>
    public string Prefix { get; init; } = "bench";
}

/// <summary>One measured stage next to its floor: the least work that produces the same result.</summary>
public sealed record BenchFigure(string Stage, string Unit, long Items, TimeSpan Time, string Floor, long FloorItems, TimeSpan FloorTime, string? Note = null)
{
    public double Rate => Items / Math.Max(Time.TotalSeconds, 1e-9);
    public double FloorRate => FloorItems / Math.Max(FloorTime.TotalSeconds, 1e-9);
    /// <summary>Time per item relative to the floor's time per item: 1.0 is as fast as the floor.</summary>
    public double Ratio => FloorRate / Rate;
}

public sealed record BenchReport(BenchSize Size, BenchData.Counts Source, TimeSpan? Generated, IReadOnlyList<BenchFigure> Figures,
    IReadOnlyList<string> Notes, ComputeResult? Compute, int PdfCount, long FloorPdfPages, long SmtpLedgerMessages, long SmtpBareMessages);

/// <summary>
/// The bench (SPEC §8): every stage of the month-end on the bench organisation, each measured against
/// its floor in the same run on the same data. Prints nothing itself; <see cref="BenchCommand"/> does.
/// </summary>
public sealed class BenchRunner(IServiceProvider services, BenchSettings settings, IBenchProgress progress)
{
    private readonly Databases db = services.GetRequiredService<Databases>();
    private readonly Period period = BenchSize.LastPeriod;
    private readonly List<BenchFigure> figures = [];
    private readonly List<string> notes = [];
    private readonly List<(FeedbackForm Form, byte[] Pdf)> printed = [];
    private ComputeResult? computed;
    private long floorPages, ledgerMessages, bareMessages;

    /// <summary>Creates {prefix}_crm, _finance and _reporting on the server of <paramref name="serverConnectionString"/> when missing.</summary>
    public static async Task<(string Crm, string Finance, string Reporting)> EnsureDatabasesAsync(string serverConnectionString, string prefix, CancellationToken ct)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(prefix, "^[a-z_][a-z0-9_]{0,40}$"))
            throw new FormatException($"Bench database prefix '{prefix}' must be lower-case letters, digits and _ (it names databases).");
        var b = new NpgsqlConnectionStringBuilder(serverConnectionString);
        var names = new[] { $"{prefix}_crm", $"{prefix}_finance", $"{prefix}_reporting" };
        await using (var conn = new NpgsqlConnection(b.ConnectionString))
        {
            await conn.OpenAsync(ct);
            foreach (var name in names)
                if (!await conn.ExecuteScalarAsync<bool>(new CommandDefinition("select exists (select 1 from pg_database where datname = @name)", new { name }, cancellationToken: ct)))
                    await conn.ExecuteAsync(new CommandDefinition($"create database {name}", cancellationToken: ct));
        }
        string For(string name) { b.Database = name; return b.ConnectionString; }
        return (For(names[0]), For(names[1]), For(names[2]));
    }

    public async Task<BenchReport> RunAsync(CancellationToken ct)
    {
        var size = new BenchSize(settings.Reps, settings.Months);
        var tz = services.GetRequiredService<IOptions<CompanyOptions>>().Value.TimeZone;
        Migrator.Migrate(db.Reporting.ConnectionString);

        TimeSpan? generated = null;
        BenchData.Counts counts;
        if (settings.Regenerate || !await BenchData.IsPresentAsync(db, size, tz, ct))
        {
            var task = progress.Start($"generate {size.Reps:N0} reps × {size.Months} months", 1);
            var sw = Stopwatch.StartNew();
            counts = await BenchData.GenerateAsync(db, size, tz, (name, done, total) => { task.MaxValue = total; task.Value = done; task.Description = $"generate: {name}"; }, ct);
            generated = sw.Elapsed;
            task.Complete($"generated {counts.Total:N0} source rows in {sw.Elapsed.TotalSeconds:N0} s");
        }
        else
        {
            counts = await BenchData.CountAsync(db, ct);
            notes.Add($"bench data of {size.Reps:N0} reps × {size.Months} months already present ({counts.Total:N0} rows); --regenerate to rebuild it");
        }

        var stages = settings.Stages.ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (stages.Contains("sync")) await SyncAsync(counts, ct);
        else if (!await StagingIsCurrentAsync(counts, ct)) await UntimedAsync("staging is not current: sync first (not timed)", () => services.GetRequiredService<SourceSync>().RunAsync(ct));
        await PrepareAsync(ct);

        if (stages.Contains("compute")) await ComputeStageAsync(ct);
        else if (!await HasValuesAsync(ct)) await UntimedAsync($"no indicator values for {period}: compute first (not timed)", () => services.GetRequiredService<IndicatorCompute>().ComputeAsync(period, ct));

        if (stages.Contains("render")) await RenderStageAsync(ct);
        if (stages.Contains("deliver")) await DeliverStageAsync(ct);

        return new BenchReport(size, counts, generated, figures, notes, computed, printed.Count, floorPages, ledgerMessages, bareMessages);
    }

    private async Task UntimedAsync(string what, Func<Task> action)
    {
        var task = progress.Start(what, 1);
        await action();
        task.Complete(what);
        notes.Add(what);
    }

    private async Task<bool> StagingIsCurrentAsync(BenchData.Counts counts, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        foreach (var (table, rows) in counts.Tables)
            if (await conn.ExecuteScalarAsync<long>(new CommandDefinition($"select count(*) from {SourceTables.All.Single(t => t.Source == table).Staging}", cancellationToken: ct)) != rows)
                return false;
        return true;
    }

    private async Task<bool> HasValuesAsync(CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from reporting.indicator_value where period = @p)", new { p = period.Start }, cancellationToken: ct));
    }

    // ---------------------------------------------------------------- sync

    /// <summary>
    /// SourceSync's full pull (staging emptied first) against the floor: every source table streamed by a
    /// raw binary COPY out of the source straight into a COPY into an index-free copy of its staging table.
    /// </summary>
    private async Task SyncAsync(BenchData.Counts counts, CancellationToken ct)
    {
        await using (var conn = await db.Reporting.OpenConnectionAsync(ct))
        {
            var staged = string.Join(", ", SourceTables.All.Select(t => t.Staging));
            await conn.ExecuteAsync(new CommandDefinition(
                $"truncate {staged}, staging.quarantine, staging.sync_run, staging.watermark", commandTimeout: 0, cancellationToken: ct));
        }
        var task = progress.Start("sync: SourceSync full pull", 1);
        var sw = Stopwatch.StartNew();
        var result = await services.GetRequiredService<SourceSync>().RunAsync(ct);
        var syncTime = sw.Elapsed;
        task.Complete($"sync: {result.Upserted:N0} rows staged in {syncTime.TotalSeconds:N1} s");

        task = progress.Start("sync floor: bare binary COPY", SourceTables.All.Count);
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
        figures.Add(new BenchFigure("sync (SourceSync, full pull)", "rows", result.Upserted, syncTime, "binary COPY source → table", copied, floor,
            result.Quarantined > 0 ? $"{result.Quarantined:N0} rows quarantined" : null));
        if (result.Read != counts.Total)
            notes.Add($"sync read {result.Read:N0} rows but the source holds {counts.Total:N0}");
    }

    /// <summary>What autovacuum would do after a bulk load, and targets for the bench month, so the forms show completions.</summary>
    private async Task PrepareAsync(CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
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
            """, new { p = period.Start }, commandTimeout: 0, cancellationToken: ct));
        var staged = string.Join(", ", SourceTables.All.Select(t => t.Staging));
        await conn.ExecuteAsync(new CommandDefinition($"vacuum analyze {staged}", commandTimeout: 0, cancellationToken: ct));
    }

    // ---------------------------------------------------------------- compute

    /// <summary>
    /// The floor of computing a month: for each staged table an indicator reads, one
    /// <c>select rep_id, count(*) … where &lt;its date column&gt; in the month group by rep_id</c> — every row of
    /// the month read once and grouped by rep, nothing joined, nothing written, on one connection, JIT off
    /// (as for the indicators). The planner reads them with whatever index serves best, as it does for the indicators.
    /// </summary>
    public static readonly (string Table, string Predicate)[] FloorScans =
    [
        ("activities", "occurred_at >= @from and occurred_at < @to"),
        ("leads", "(qualified_at >= @from and qualified_at < @to) or (converted_at >= @from and converted_at < @to)"),
        ("opportunities", "won_at >= @from and won_at < @to"),
        ("invoices", "issued_on between @start and @end or due_on between @start and @end"),
        ("surveys", "answered_at >= @from and answered_at < @to"),
    ];

    private async Task<(TimeSpan Time, long Rows)> FloorAsync(CancellationToken ct)
    {
        var tz = services.GetRequiredService<IOptions<CompanyOptions>>().Value.ResolveTimeZone();
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

    private async Task ComputeStageAsync(CancellationToken ct)
    {
        var compute = services.GetRequiredService<IndicatorCompute>();
        var task = progress.Start($"compute {period}: floor and ComputeAsync, best of {ComputeRounds}", ComputeRounds * 3);
        // Month-end computes a month with the year before it already stored (MoM, YoY and the z-score read
        // it), and so does the bench: months never computed are computed once here, untimed, and kept.
        var history = await compute.ComputeHistoryAsync(period, ct);
        if (history.Count > 0) notes.Add($"compute: {history.Count} earlier month(s) computed once first, as month-end would have: MoM, YoY and the z-score read them");
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
        task.Complete($"compute {period}: {computed!.Values:N0} values in {whole.TotalSeconds:N2} s (floor {floorTime.TotalSeconds:N2} s), best of {ComputeRounds}");

        var failed = computed.Errors.Count == 0 ? "" : $"; {computed.Errors.Count} indicator(s) failed: {string.Join(", ", computed.Errors.Select(e => e.Indicator))}";
        figures.Add(new BenchFigure($"compute {period} (ComputeAsync)", "reps", reps, whole, "GROUP BY rep_id scans", reps, floorTime,
            $"{computed.Indicators} indicators, {computed.Values:N0} values, then scores, anomalies with their drafts and the findings; month computed for the first time; floor read {floorRows:N0} rows; best of {ComputeRounds}" + failed));
        figures.Add(new BenchFigure("  indicators alone (replacing)", "reps", reps, indicators, "GROUP BY rep_id scans", reps, floorTime, $"{alone.Values:N0} values"));
        figures.Add(new BenchFigure("  ComputeAsync again (replacing)", "reps", reps, again, "GROUP BY rep_id scans", reps, floorTime));
        figures.Add(new BenchFigure("  catalog queries only (no write)", "reps", reps, reads, "GROUP BY rep_id scans", reps, floorTime,
            "every catalog query run as compute runs it, its rows counted instead of written: the rest of 'indicators alone' is writing the values"));
        var (writes, written, perTable) = await WritesOnlyAsync(ct);
        figures.Add(new BenchFigure("  the month's rows written, nothing computed", "reps", reps, writes, "GROUP BY rep_id scans", reps, floorTime,
            $"the {written:N0} rows compute writes for the month (values, scores, anomalies, findings) copied by the server into tables like theirs, with their keys and indexes, a table per connection: what writing alone costs; each table alone: "
            + string.Join(", ", perTable.Select(t => $"{t.Table} {t.Rows:N0} rows {t.Time.TotalSeconds:N3} s"))));
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
        var options = services.GetRequiredService<IOptions<IndicatorOptions>>().Value;
        var tz = services.GetRequiredService<IOptions<CompanyOptions>>().Value.TimeZone;
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

    // ---------------------------------------------------------------- render

    private async Task<IReadOnlyList<string>> BenchRepsAsync(int count, CancellationToken ct)
    {
        var reps = await services.GetRequiredService<FormQuery>().ActiveRepsAsync(ct);
        return reps.Take(count).Select(r => r.RepId).ToList();
    }

    private async Task RenderStageAsync(CancellationToken ct)
    {
        var query = services.GetRequiredService<FormQuery>();
        var html = services.GetRequiredService<FormHtml>();
        var pdf = services.GetRequiredService<IPdfRenderer>();
        var repIds = await BenchRepsAsync(settings.Forms, ct);
        var task = progress.Start($"render: {repIds.Count} forms (FormQuery → FormHtml → RenderManyAsync)", repIds.Count);

        // Chromium is launched before the clock starts, for the pipeline as for the floor.
        await pdf.RenderAsync("<!DOCTYPE html><html><body>warm-up</body></html>", ct);

        var sw = Stopwatch.StartNew();
        var forms = await query.LoadAsync(period, repIds, ct);
        var loaded = sw.Elapsed;
        var documents = new List<string>(forms.Count);
        foreach (var form in forms) documents.Add(await html.RenderAsync(form));
        var htmlDone = sw.Elapsed;
        var pdfs = await pdf.RenderManyAsync(documents, ct);
        var total = sw.Elapsed;
        task.Value = forms.Count;
        printed.AddRange(forms.Zip(pdfs));
        task.Complete($"render: {forms.Count} forms in {total.TotalSeconds:N1} s");
        if (forms.Count != repIds.Count) notes.Add($"render: {repIds.Count} reps asked, {forms.Count} forms loaded");

        var naive = Math.Min(settings.NaiveForms, documents.Count);
        task = progress.Start($"render naive: {naive} forms one RenderAsync each", naive);
        sw.Restart();
        for (var i = 0; i < naive; i++) { await pdf.RenderAsync(documents[i], ct); task.Increment(1); }
        var naiveTime = sw.Elapsed;
        task.Complete($"render naive: {naive} forms in {naiveTime.TotalSeconds:N1} s");

        task = progress.Start($"render floor: bare Chromium, {documents.Count} forms in one print", 1);
        var (floorTime, pages) = await BareChromiumAsync(documents, ct);
        floorPages = pages;
        task.Complete($"render floor: {documents.Count} forms ({pages} pages) in {floorTime.TotalSeconds:N1} s");

        figures.Add(new BenchFigure("render (RenderManyAsync)", "forms", forms.Count, total, "bare Chromium, one print", documents.Count, floorTime,
            $"FormQuery {loaded.TotalSeconds:N1} s, FormHtml {(htmlDone - loaded).TotalSeconds:N1} s, PDF {(total - htmlDone).TotalSeconds:N1} s; " +
            $"PDF size {pdfs.Average(p => p.Length) / 1024:N0} KB on average, {pdfs.Max(p => p.Length) / 1024:N0} KB at most; floor {pages} pages"));
        figures.Add(new BenchFigure("render naive (RenderAsync each)", "forms", naive, naiveTime, "bare Chromium, one print", documents.Count, floorTime, "HTML ready; printing only"));
    }

    /// <summary>
    /// The floor of printing: all the documents' bodies in one document under the first one's head, a page
    /// break between forms, printed by one PuppeteerSharp call on an already running browser.
    /// </summary>
    private async Task<(TimeSpan Time, long Pages)> BareChromiumAsync(IReadOnlyList<string> documents, CancellationToken ct)
    {
        var chromium = services.GetRequiredService<ChromiumOptions>();
        var first = documents[0];
        var head = first[..(first.IndexOf("<body", StringComparison.OrdinalIgnoreCase))];
        var joined = new System.Text.StringBuilder(head).Append("<body>");
        foreach (var d in documents)
        {
            var open = d.IndexOf('>', d.IndexOf("<body", StringComparison.OrdinalIgnoreCase)) + 1;
            var close = d.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
            joined.Append("<div style=\"break-after:page\">").Append(d, open, close - open).Append("</div>");
        }
        joined.Append("</body></html>");

        var userData = Path.Combine(Path.GetTempPath(), "salesreporting-bench-" + Guid.NewGuid().ToString("N"));
        var timeout = (int)TimeSpan.FromMinutes(20).TotalMilliseconds;
        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = chromium.ExecutablePath, Headless = true, UserDataDir = userData, Args = [.. ChromiumPdfRenderer.LaunchArgs], ProtocolTimeout = timeout,
        });
        try
        {
            var page = await browser.NewPageAsync();
            await page.SetJavaScriptEnabledAsync(false);
            var sw = Stopwatch.StartNew();
            await page.SetContentAsync(joined.ToString(), new SetContentOptions { WaitUntil = [WaitUntilNavigation.Load], Timeout = timeout, CancellationToken = ct });
            // As the renderer prints one form, page numbers and all, so the browser does the same work per page.
            var bytes = await page.PdfDataAsync(ChromiumPdfRenderer.PrintOptions(pageNumbers: true, timeout)).WaitAsync(ct);
            var elapsed = sw.Elapsed;
            using var doc = UglyToad.PdfPig.PdfDocument.Open(bytes);
            return (elapsed, doc.NumberOfPages);
        }
        finally
        {
            await browser.CloseAsync();
            try { Directory.Delete(userData, true); } catch (IOException) { /* a profile left in /tmp is harmless */ }
        }
    }

    // ---------------------------------------------------------------- deliver

    private async Task DeliverStageAsync(CancellationToken ct)
    {
        if (printed.Count == 0)
        {
            var repIds = await BenchRepsAsync(settings.Forms, ct);
            await UntimedAsync($"deliver needs PDFs: printing {repIds.Count} forms first (not timed)", async () =>
            {
                var forms = await services.GetRequiredService<FormQuery>().LoadAsync(period, repIds, ct);
                var html = services.GetRequiredService<FormHtml>();
                var docs = new List<string>();
                foreach (var f in forms) docs.Add(await html.RenderAsync(f));
                printed.AddRange(forms.Zip(await services.GetRequiredService<IPdfRenderer>().RenderManyAsync(docs, ct)));
            });
        }
        var smtp = services.GetRequiredService<BenchSmtpServer>();
        var ledger = services.GetRequiredService<DeliveryLedger>();
        var from = services.GetRequiredService<IOptions<MailOptions>>().Value.From;
        var recipients = (await services.GetRequiredService<FormQuery>().ActiveRepsAsync(ct)).ToDictionary(r => r.RepId);
        await using (var conn = await db.Reporting.OpenConnectionAsync(ct))
            await conn.ExecuteAsync(new CommandDefinition("delete from reporting.delivery where period = @p and kind = 'rep_form'", new { p = period.Start }, cancellationToken: ct));

        var task = progress.Start($"deliver: {printed.Count} forms through the ledger", printed.Count);
        var before = smtp.Messages;
        var sent = 0;
        var sw = Stopwatch.StartNew();
        foreach (var (form, pdf) in printed)
        {
            var to = recipients[form.Rep.RepId];
            var (outcome, _) = await ledger.DeliverAsync(new DeliveryKey("rep_form", period, to.RepId, to.Email),
                _ => FormEmail.Compose(form, from, to.Name, to.Email, pdf, null), false, ct);
            if (outcome == DeliveryOutcome.Sent) sent++;
            task.Increment(1);
        }
        var ledgerTime = sw.Elapsed;
        ledgerMessages = smtp.Messages - before;
        task.Complete($"deliver: {sent} sent through the ledger in {ledgerTime.TotalSeconds:N1} s");

        task = progress.Start($"deliver floor: bare MailKit loop, {printed.Count} messages", printed.Count);
        before = smtp.Messages;
        sw.Restart();
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync("127.0.0.1", smtp.Port, SecureSocketOptions.None, ct);
            foreach (var (form, pdf) in printed)
            {
                var to = recipients[form.Rep.RepId];
                await client.SendAsync(FormEmail.Compose(form, from, to.Name, to.Email, pdf, null), ct);
                task.Increment(1);
            }
            await client.DisconnectAsync(true, ct);
        }
        var bareTime = sw.Elapsed;
        bareMessages = smtp.Messages - before;
        task.Complete($"deliver floor: {bareMessages} messages in {bareTime.TotalSeconds:N1} s");
        figures.Add(new BenchFigure("deliver (ledger + MailKit)", "messages", sent, ledgerTime, "bare MailKit loop", bareMessages, bareTime,
            $"{smtp.Bytes / 1024 / 1024:N0} MiB received in all"));
    }
}

/// <summary>Where the bench reports what it is doing; the command shows it as progress bars.</summary>
public interface IBenchProgress
{
    IBenchTask Start(string description, double maxValue);

    public static IBenchProgress None { get; } = new NoProgress();

    private sealed class NoProgress : IBenchProgress
    {
        public IBenchTask Start(string description, double maxValue) => new Task();
        private sealed class Task : IBenchTask
        {
            public string Description { get; set; } = "";
            public double Value { get; set; }
            public double MaxValue { get; set; }
            public void Increment(double by) => Value += by;
            public void Complete(string description) { }
        }
    }
}

public interface IBenchTask
{
    string Description { get; set; }
    double Value { get; set; }
    double MaxValue { get; set; }
    void Increment(double by);
    void Complete(string description);
}
