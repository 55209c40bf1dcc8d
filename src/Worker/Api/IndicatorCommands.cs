using System.CommandLine;
using System.Globalization;
using SalesReporting.Data;
using SalesReporting.Data.Indicators.Catalog;
using Spectre.Console;

namespace SalesReporting.Worker.Api;

/// <summary>`indicators export|import|test`: step 1 of the cycle, choosing the indicators and their weights, without SQL (docs/indicators.md).</summary>
public static class IndicatorCommands
{
    public static void Add(RootCommand root, LoopCommands.Runner run)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(run);
        var indicators = new Command("indicators", "The indicator catalog: export it to a file, import it whole, try one indicator on a month.");

        var exportFile = new Argument<string>("file") { Description = "The .yaml file to write" };
        var export = new Command("export", "Write the whole catalog (indicators, weights, anomaly thresholds, custom queries) to a .yaml file.") { exportFile };
        export.Validators.Add(r =>
        {
            if (r.GetValue(exportFile) is { } f && Path.GetExtension(f).ToLowerInvariant() is not (".yaml" or ".yml"))
                r.AddError($"'{f}': the catalog is written as YAML; name the file .yaml.");
        });
        export.SetAction((parse, ct) => run(async (sp, token) =>
        {
            var path = parse.GetValue(exportFile)!;
            await sp.GetRequiredService<CatalogStore>().ExportAsync(path, token);
            AnsiConsole.MarkupLine(Markup.Escape($"catalog written to {path}"));
            return 0;
        }, ct, false));
        indicators.Subcommands.Add(export);

        var importFile = new Argument<string>("file") { Description = "A .yaml catalog (as indicators export writes it)" };
        var accept = new Option<bool>("--accept-warnings") { Description = "Apply even though a weight set does not sum to 100, gives process indicators less than 40, or names an unknown team" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check the file and show what it would change; write nothing" };
        var encoding = LoopCommands.EncodingOption();
        var import = new Command("import", "Apply a catalog file whole, in one transaction: checked first, nothing written on any error.") { importFile, accept, dryRun, encoding };
        import.SetAction((parse, ct) => run(async (sp, token) =>
        {
            var store = sp.GetRequiredService<CatalogStore>();
            var result = await store.ImportAsync(parse.GetValue(importFile)!, parse.GetValue(accept) && !parse.GetValue(dryRun), token,
                encoding: parse.GetValue(encoding), dryRun: parse.GetValue(dryRun));
            // Plain lines, whole: a change or a warning is read in a log as often as on a terminal.
            foreach (var c in result.Changes) Console.WriteLine("  " + c);
            foreach (var w in result.Warnings) Console.WriteLine("warning: " + w);
            if (result.Changes.Count == 0)
            {
                AnsiConsole.MarkupLine("no changes: the catalog is already as the file says");
                return 0;
            }
            if (result.Applied)
            {
                AnsiConsole.MarkupLine(Markup.Escape($"applied {result.Changes.Count} change(s); the next compute uses them"));
                return 0;
            }
            if (parse.GetValue(dryRun))
            {
                AnsiConsole.MarkupLine(Markup.Escape($"dry run: {result.Changes.Count} change(s) not applied"));
                return 0;
            }
            Console.Error.WriteLine($"error: {result.Warnings.Count} warning(s); nothing was written. Correct the file, or add --accept-warnings to apply it as it is.");
            return 1;
        }, ct, false));
        indicators.Subcommands.Add(import);

        var code = new Option<string>("--code") { Description = "The indicator's code", Required = true };
        var period = new Option<string>("--period") { Description = "The month, YYYY-MM", Required = true };
        var rows = new Option<int>("--rows") { Description = "How many reps' rows to print (default 20)", DefaultValueFactory = _ => 20 };
        var test = new Command("test", "Run one indicator's query for a month, read-only: its first rows per rep in the display unit, the count and the time. Writes nothing.") { code, period, rows };
        test.Validators.Add(r =>
        {
            if (r.GetValue(period) is { } text && !Period.TryParse(text, out _)) r.AddError($"--period '{text}' is not a month: expected YYYY-MM, e.g. 2026-10.");
            if (r.GetValue(rows) is < 0 or > 10_000) r.AddError("--rows is from 0 to 10000.");
        });
        test.SetAction((parse, ct) => run(async (sp, token) =>
        {
            IndicatorTrial trial;
            try
            {
                trial = await sp.GetRequiredService<CatalogStore>().TestAsync(parse.GetValue(code)!, Period.Parse(parse.GetValue(period)!), parse.GetValue(rows), token);
            }
            catch (Npgsql.PostgresException ex)
            {
                Console.Error.WriteLine($"error: indicator {parse.GetValue(code)} fails on {parse.GetValue(period)}: " +
                    Data.Indicators.IndicatorCompute.Describe(ex, sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Data.IndicatorOptions>>().Value.QueryTimeoutSeconds));
                return 1;
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine("error: " + ex.Message);
                return 1;
            }
            var table = new Table().AddColumns("rep", $"value ({trial.Unit})", "numerator", "denominator");
            foreach (var r in trial.Rows)
                table.AddRow(Markup.Escape(r.RepId ?? "(null)"), Markup.Escape(Reports.Forms.Format.Value(r.Value, trial.Unit)),
                    Markup.Escape(r.Numerator?.ToString("G29", CultureInfo.InvariantCulture) ?? ""), Markup.Escape(r.Denominator?.ToString("G29", CultureInfo.InvariantCulture) ?? ""));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{trial.Code} for {trial.Period}: {trial.Reps:N0} rows ({trial.Rows.Count} shown) in {trial.Time.TotalMilliseconds:N0} ms; nothing written")));
            return 0;
        }, ct, false));
        indicators.Subcommands.Add(test);
        root.Subcommands.Add(indicators);
    }
}
