using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SalesReporting.Worker.Hosting;
using Spectre.Console;

namespace SalesReporting.Bench;

/// <summary>`bench`: generates the bench organisation and prints each stage's figures next to its floor.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var reps = new Option<string>("--reps") { Description = "Reps in the bench organisation; several sizes comma separated (1000,5000,10000) measure each and print the month-end's time per rep at each size", DefaultValueFactory = _ => "10000" };
        var months = new Option<int>("--months") { Description = "Months of history, ending 2026-10", DefaultValueFactory = _ => 12 };
        var regenerate = new Option<bool>("--regenerate") { Description = "Generate the bench data again even if present with the same size" };
        var stages = new Option<string>("--stages") { Description = "Stages to measure, comma separated: sync,compute,render,deliver,workspace,monthend (one and two serve processes, then the takeover),takeover (only the month-end with a serve process killed)", DefaultValueFactory = _ => string.Join(',', BenchSettings.AllStages) };
        var forms = new Option<int>("--forms") { Description = "Forms printed by the render stage (and delivered)", DefaultValueFactory = _ => 500 };
        var naive = new Option<int>("--naive-forms") { Description = "Forms printed one call each for the naive rate", DefaultValueFactory = _ => 20 };
        var prefix = new Option<string>("--prefix") { Description = "The bench databases are PREFIX_crm, PREFIX_finance and PREFIX_reporting (default bench): keep data sets of several sizes side by side", DefaultValueFactory = _ => "bench" };
        var processes = new Option<string>("--monthend-processes") { Description = "The month-end passes of the monthend stage, by serve processes (default 1,2; then the takeover). Given, only these passes run and the takeover only when --stages names it: --monthend-processes 1 for a growth run", DefaultValueFactory = _ => "1,2" };
        var pages = new Option<int>("--page-requests") { Description = "Measured GETs of each workspace page (after 20 to warm up)", DefaultValueFactory = _ => 200 };
        var command = new Command("bench", "Measure sync, compute, render, delivery and the workspace pages on a generated 10,000-rep organisation against each stage's floor.")
            { reps, months, regenerate, stages, forms, naive, pages, prefix, processes };
        command.SetAction(async (parse, ct) =>
        {
            var chosen = parse.GetValue(stages)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var unknown = chosen.Where(s => !BenchSettings.AllStages.Contains(s, StringComparer.OrdinalIgnoreCase)).ToList();
            if (unknown.Count > 0)
            {
                Console.Error.WriteLine($"error: --stages: unknown stage(s) {string.Join(", ", unknown)}; expected some of {string.Join(",", BenchSettings.AllStages)}");
                return 1;
            }
            if (Counts(parse.GetValue(reps)!, "--reps", "a number of reps (a whole number of at least 1; several comma separated)", int.MaxValue) is not { } sizes)
                return 1;
            if (sizes.Count == 0 || sizes.Distinct().Count() != sizes.Count)
            {
                Console.Error.WriteLine("error: --reps: give one size or several different ones, e.g. 1000,5000,10000");
                return 1;
            }
            if (Counts(parse.GetValue(processes)!, "--monthend-processes", "a number of serve processes (1 to 8; several comma separated)", 8) is not { } passes)
                return 1;
            if (passes.Count == 0)
            {
                Console.Error.WriteLine("error: --monthend-processes: give at least one number of serve processes, e.g. 1 or 1,2");
                return 1;
            }
            // The default runs the takeover after the passes, as the monthend stage always has; a chosen list runs only its passes.
            var explicitPasses = parse.GetResult(processes) is { Implicit: false };
            var settings = new BenchSettings
            {
                MonthEndProcesses = passes,
                MonthEndTakeover = chosen.Contains("takeover", StringComparer.OrdinalIgnoreCase) || (!explicitPasses && chosen.Contains("monthend", StringComparer.OrdinalIgnoreCase)),
                Reps = sizes[0], Months = parse.GetValue(months), Regenerate = parse.GetValue(regenerate),
                Stages = chosen, Forms = parse.GetValue(forms), NaiveForms = parse.GetValue(naive),
                PageRequests = parse.GetValue(pages), Prefix = parse.GetValue(prefix)!,
            };
            if (settings.Months < 1 || settings.Months > 120 || settings.Forms < 1 || settings.NaiveForms < 1 || settings.PageRequests < 1)
            {
                Console.Error.WriteLine("error: --forms, --naive-forms and --page-requests must be at least 1, --months between 1 and 120");
                return 1;
            }
            if (sizes.Count == 1) return (await RunAsync(settings, ct)).Code;
            return await GrowthAsync(settings, sizes, ct);
        });
        return command;
    }

    /// <summary>A comma-separated list of whole numbers from 1 to <paramref name="max"/>, or null after saying on stderr which
    /// part of the option is not one.</summary>
    private static List<int>? Counts(string value, string option, string expected, int max)
    {
        var counts = new List<int>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > max)
            {
                Console.Error.WriteLine($"error: {option}: '{part}' is not {expected}");
                return null;
            }
            counts.Add(n);
        }
        return counts;
    }

    /// <summary>
    /// `--reps 1000,5000,10000`: the whole bench at each size, each in databases of its own ({prefix}{size}_*), then the
    /// month-end's time per form at each size beside the smallest's: linear growth keeps the ratio near 1.
    /// </summary>
    private static async Task<int> GrowthAsync(BenchSettings settings, IReadOnlyList<int> sizes, CancellationToken ct)
    {
        var rows = new List<(int Reps, BenchFigure? MonthEnd)>();
        foreach (var size in sizes.Order())
        {
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[bold]--- {size:N0} reps ---[/]"));
            var (code, report) = await RunAsync(settings with { Reps = size, Prefix = string.Create(CultureInfo.InvariantCulture, $"{settings.Prefix}{size}") }, ct);
            if (code != 0) return code;
            rows.Add((size, report!.Figures.FirstOrDefault(f => f.Stage.StartsWith("month-end under the scheduler, 1 ", StringComparison.Ordinal))));
        }
        var c = CultureInfo.InvariantCulture;
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 180);
        var table = new Table().AddColumns("reps", "month-end (1 serve process)", "forms", "time per form", "vs the smallest size", "floor per form", "ratio to its floor");
        var first = rows.FirstOrDefault(r => r.MonthEnd is not null).MonthEnd;
        foreach (var (reps, m) in rows)
        {
            if (m is null)
            {
                table.AddRow(string.Create(c, $"{reps:N0}"), "— (the monthend stage was not run)", "", "", "", "", "");
                continue;
            }
            var perForm = m.Time.TotalMilliseconds / m.Items;
            var growth = first is null ? 1 : perForm / (first.Time.TotalMilliseconds / first.Items);
            table.AddRow(string.Create(c, $"{reps:N0}"), string.Create(c, $"{m.Time.TotalSeconds:N1} s"), string.Create(c, $"{m.Items:N0}"),
                string.Create(c, $"{perForm:N1} ms"), string.Create(c, $"{growth:N2}× {(Math.Abs(growth - 1) <= 0.2 ? "(within 20%)" : "(BENDS)")}"),
                string.Create(c, $"{m.FloorTime.TotalMilliseconds / m.FloorItems:N1} ms"), string.Create(c, $"{m.Ratio:N2}×"));
        }
        AnsiConsole.MarkupLine("[bold]growth[/]: the month-end's time per form at each size (linear keeps it within 20% of the smallest size's)");
        AnsiConsole.Write(table);
        return 0;
    }

    private static async Task<(int Code, BenchReport? Report)> RunAsync(BenchSettings settings, CancellationToken ct)
    {
        try
        {
            await using var smtp = new BenchSmtpServer();
            using var host = await BenchHost.BuildAsync(null, settings, smtp, null, ct);
            await host.StartAsync(ct); // the ValidateOnStart checks
            BenchReport? report = null;
            if (Console.IsOutputRedirected)
                // Into a log: one line per finished step, not a progress bar redrawn a thousand times.
                report = await new BenchRunner(host.Services, settings, new LineProgress()).RunAsync(ct);
            else
                await AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                    .StartAsync(async ctx => report = await new BenchRunner(host.Services, settings, new SpectreProgress(ctx)).RunAsync(ct));
            await host.StopAsync(CancellationToken.None);
            Print(report!);
            return (0, report);
        }
        catch (OptionsValidationException ex)
        {
            foreach (var f in ex.Failures) Console.Error.WriteLine("configuration error: " + f);
            return (3, null);
        }
        catch (Exception ex) when (ex is FormatException or FileNotFoundException or InvalidOperationException or Npgsql.NpgsqlException or PuppeteerSharp.PuppeteerException)
        {
            Console.Error.WriteLine("error: " + ex.Message);
            return (1, null);
        }
    }

    private static void Print(BenchReport report)
    {
        var c = CultureInfo.InvariantCulture;
        // Redirected to a file the console reports 80 columns, which would fold every line and cell.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 180);
        AnsiConsole.MarkupLine(string.Create(c, $"[bold]bench organisation[/]: {report.Size.Reps:N0} reps in {report.Size.Teams} teams, {report.Size.Months} months to {BenchSizePeriod}, {report.Source.Total:N0} source rows")
            + (report.Generated is { } g ? string.Create(c, $" (generated in {g.TotalSeconds:N0} s)") : ""));
        AnsiConsole.MarkupLine(Markup.Escape(string.Join(", ", report.Source.Tables.Select(t => string.Create(c, $"{t.Table} {t.Rows:N0}")))));
        var table = new Table().AddColumns("stage", "items", "time", "throughput", "floor", "floor items", "floor time", "floor throughput", "ratio");
        foreach (var f in report.Figures)
            table.AddRow(Markup.Escape(f.Stage), string.Create(c, $"{f.Items:N0} {f.Unit}"), Seconds(f.Time), Rate(f.Rate, f.Unit),
                Markup.Escape(f.Floor), string.Create(c, $"{f.FloorItems:N0}"), Seconds(f.FloorTime), Rate(f.FloorRate, f.Unit), string.Create(c, $"{f.Ratio:N2}×"));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("ratio = time per item ÷ the floor's time per item (1.00× is as fast as the floor).");
        if (report.Latencies.Count > 0)
        {
            var pages = new Table().AddColumns("page", "GETs", "p50", "p95", "max", "floor", "floor p50", "floor p95", "p95 ratio", "main query p50", "main query p95");
            foreach (var l in report.Latencies)
                pages.AddRow(Markup.Escape(l.Page.What), string.Create(c, $"{l.Page.Count:N0}"), Ms(l.Page.P50), Ms(l.Page.P95), Ms(l.Page.Max),
                    Markup.Escape(l.Floor.What), Ms(l.Floor.P50), Ms(l.Floor.P95), string.Create(c, $"{l.Ratio:N1}×"),
                    Markup.Escape(l.Query.What) + " " + Ms(l.Query.P50), Ms(l.Query.P95));
            AnsiConsole.Write(pages);
            AnsiConsole.MarkupLine(string.Create(c, $"workspace target: p95 ≤ {BenchLatency.TargetP95Ms:N0} ms per page; ") + string.Join("; ",
                report.Latencies.Select(l => string.Create(c, $"{l.Page.What.Split(' ')[0]} page p95 {l.Page.P95:N1} ms {(l.Page.P95 <= BenchLatency.TargetP95Ms ? "within" : "OVER")}"))));
        }
        foreach (var f in report.Figures.Where(f => f.Note is not null)) AnsiConsole.MarkupLine(Markup.Escape($"{f.Stage.Trim()}: {f.Note}"));
        foreach (var n in report.Notes) AnsiConsole.MarkupLine("[grey]" + Markup.Escape(n) + "[/]");
    }

    private static readonly string BenchSizePeriod = BenchSize.LastPeriod.ToString();

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString(t.TotalSeconds < 10 ? "N3" : "N1", CultureInfo.InvariantCulture) + " s";

    private static string Ms(double ms) => ms.ToString(ms < 10 ? "N2" : "N1", CultureInfo.InvariantCulture) + " ms";

    private static string Rate(double perSecond, string unit) => perSecond.ToString(perSecond < 100 ? "N1" : "N0", CultureInfo.InvariantCulture) + $" {unit}/s";

    /// <summary>Progress for a log: a line with the time of day when a step finishes, and how long it took.</summary>
    private sealed class LineProgress : IBenchProgress
    {
        public IBenchTask Start(string description, double maxValue) => new LineTask(description, maxValue);

        private sealed class LineTask(string description, double maxValue) : IBenchTask
        {
            private readonly System.Diagnostics.Stopwatch watch = System.Diagnostics.Stopwatch.StartNew();
            public string Description { get; set; } = description;
            public double Value { get; set; }
            public double MaxValue { get; set; } = maxValue;
            public void Increment(double by) => Value += by;
            public void Complete(string description) =>
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss} {description} ({watch.Elapsed.TotalSeconds:N1} s)"));
        }
    }

    private sealed class SpectreProgress(ProgressContext ctx) : IBenchProgress
    {
        public IBenchTask Start(string description, double maxValue) => new SpectreTask(ctx.AddTask(Markup.Escape(description), maxValue: Math.Max(maxValue, 1)));

        private sealed class SpectreTask(ProgressTask task) : IBenchTask
        {
            public string Description { get => task.Description; set => task.Description = Markup.Escape(value); }
            public double Value { get => task.Value; set => task.Value = value; }
            public double MaxValue { get => task.MaxValue; set => task.MaxValue = Math.Max(value, 1); }
            public void Increment(double by) => task.Increment(by);
            public void Complete(string description)
            {
                task.Description = Markup.Escape(description);
                task.Value = task.MaxValue;
                task.StopTask();
            }
        }
    }
}
