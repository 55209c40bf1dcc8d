using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SalesReporting.Data;
using SalesReporting.Data.Sources;
using SalesReporting.Data.Targets;
using SalesReporting.Tests.Infrastructure;
using static SalesReporting.Tests.Import.TabularFileTests;

namespace SalesReporting.Tests.Targets;

/// <summary>`import targets FILE` with an .xlsx: all of a good file or nothing of a bad one.</summary>
public sealed class TargetImportTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private IHost host = null!;
    private readonly string dir = Directory.CreateTempSubdirectory("sr-targets-").FullName;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync("sr_find_targets");
        host = db.BuildHost(new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.GetTempPath() });
        await new Seed(db.Databases)
            .Team("T1", "一组", "华东", "王经理", "wang@x.example", "zh-CN")
            .Rep("R001", "T1", "甲", "r1@x.example").Rep("R002", "T1", "乙", "r2@x.example")
            .WriteAsync();
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        await new Seed(db.Databases)
            .Target("R001", "2026-10-01", "revenue", 80, "earlier.csv").Target("R002", "2026-10-01", "revenue", 60, "earlier.csv")
            .WriteAsync();
    }

    public async Task DisposeAsync()
    {
        host.Dispose();
        await db.DisposeAsync();
        Directory.Delete(dir, true);
    }

    private async Task<List<(string Rep, DateOnly Period, string Indicator, decimal Target, string? File)>> TargetsAsync()
    {
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        return (await conn.QueryAsync<(string, DateOnly, string, decimal, string?)>(
            "select rep_id, period, indicator, target, source_file from reporting.target order by rep_id, period, indicator")).ToList();
    }

    private static string SampleFile(string name) => Path.Combine(AppContext.BaseDirectory, "docs", name);

    [Fact]
    public async Task The_sample_xlsx_imports_the_same_targets_as_the_sample_csv_and_replaces_those_it_names()
    {
        var import = host.Services.GetRequiredService<TargetImport>();
        Assert.Equal(6, await import.ImportAsync(SampleFile("targets-sample.xlsx"), default));
        var fromXlsx = await TargetsAsync();
        Assert.Equal(
        [
            ("R001", new DateOnly(2026, 10, 1), "collection_rate", 90m, "targets-sample.xlsx"),
            ("R001", new DateOnly(2026, 10, 1), "lead_conversion", 25m, "targets-sample.xlsx"),
            ("R001", new DateOnly(2026, 10, 1), "new_customers", 15m, "targets-sample.xlsx"),
            ("R001", new DateOnly(2026, 10, 1), "proposals", 30m, "targets-sample.xlsx"),
            ("R001", new DateOnly(2026, 10, 1), "revenue", 100m, "targets-sample.xlsx"),   // was 80
            ("R001", new DateOnly(2026, 10, 1), "visits", 120m, "targets-sample.xlsx"),
            ("R002", new DateOnly(2026, 10, 1), "revenue", 60m, "earlier.csv"),            // not in the file: kept
        ], fromXlsx);

        Assert.Equal(6, await import.ImportAsync(SampleFile("targets-sample.csv"), default));
        Assert.Equal(fromXlsx.Select(t => (t.Rep, t.Period, t.Indicator, t.Target)), (await TargetsAsync()).Select(t => (t.Rep, t.Period, t.Indicator, t.Target)));
    }

    [Fact]
    public async Task A_bad_xlsx_is_rejected_naming_sheet_row_and_column_and_nothing_is_written()
    {
        var path = WriteXlsx(Path.Combine(dir, "october.xlsx"), "十月目标", [
            [new("A1", "rep_id"), new("B1", "period"), new("C1", "indicator"), new("D1", "target")],
            [new("A2", "R001"), new("B2", "2026-10"), new("C2", "revenue"), new("D2", 150)],
            [new("A3", "R001"), new("B3", "2026-13"), new("C3", "visits"), new("D3", 120)],
            [new("A4", "R002"), new("B4", "2026-10"), new("C4", "revenue"), new("D4", 90)],
            [new("A5", "R002"), new("B5", "2026-10"), new("C5", "visits"), new("D5", -5)]]);
        var before = await TargetsAsync();

        var ex = await Assert.ThrowsAsync<ImportRejectedException>(() => host.Services.GetRequiredService<TargetImport>().ImportAsync(path, default));

        Assert.Equal([("十月目标", 3, "period", "2026-13", "expected YYYY-MM, or YYYY-Qn / YYYY for a quarter's or a year's target"), ("十月目标", 5, "target", "-5", "negative")],
            ex.Errors.Select(e => (e.Sheet, e.Row, e.Column, e.Value, e.Reason)));
        Assert.Contains("october.xlsx, sheet '十月目标': row 3, column 'period' ('2026-13'): expected YYYY-MM", ex.Message, StringComparison.Ordinal);
        Assert.Contains("october.xlsx, sheet '十月目标': row 5, column 'target' ('-5'): negative", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, await TargetsAsync());
    }

    [Fact]
    public async Task Every_kind_of_bad_row_is_named_with_its_reason()
    {
        var path = WriteXlsx(Path.Combine(dir, "bad.xlsx"), "Sheet1", [
            [new("A1", "rep_id"), new("B1", "period"), new("C1", "indicator"), new("D1", "target")],
            [new("A2", "R404"), new("B2", "2026-10"), new("C2", "revenue"), new("D2", 1)],
            [new("A3", "R001"), new("B3", "2026-10"), new("C3", "turnover"), new("D3", 1)],
            [new("A4", "R001"), new("B4", "2026-10"), new("C4", "revenue"), new("D4", "a lot")],
            [new("A5", "R001"), new("B5", "2026-10"), new("C5", "team_share"), new("D5", 1)],
            [new("A6", "R002"), new("B6", "2026-10"), new("C6", "visits"), new("D6", 100)],
            [new("A7", "R002"), new("B7", "2026-10"), new("C7", "visits"), new("D7", 110)]]);
        var before = await TargetsAsync();

        var ex = await Assert.ThrowsAsync<ImportRejectedException>(() => host.Services.GetRequiredService<TargetImport>().ImportAsync(path, default));

        Assert.Equal(
        [
            (2, "rep_id", "unknown rep (not in the CRM's reps)"),
            (3, "indicator", "unknown indicator; expected one of avg_order_value, collection_rate, customer_satisfaction, effective_visits, gross_margin, lead_conversion, negotiation_cycle, new_customers, proposals, revenue, team_share, visits"),
            (4, "target", "not a number"),
            (5, "indicator", "this indicator takes no target"),
            (7, "rep_id", "duplicate of row 6 (same rep, period and indicator)"),
        ], ex.Errors.Select(e => (e.Row, e.Column, e.Reason)));
        Assert.All(ex.Errors, e => Assert.Equal("Sheet1", e.Sheet));
        Assert.Equal(before, await TargetsAsync());
    }

    private string Csv(string name, string text, System.Text.Encoding? encoding = null)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text, encoding ?? new System.Text.UTF8Encoding(false));
        return path;
    }

    [Fact]
    public async Task A_target_with_more_than_four_decimals_is_refused_not_rounded_and_four_are_kept()
    {
        var import = host.Services.GetRequiredService<TargetImport>();
        var before = await TargetsAsync();
        var bad = Csv("precise.csv", "rep_id,period,indicator,target\nR001,2026-11,revenue,12.3456\nR001,2026-11,visits,0.00001\n");

        var ex = await Assert.ThrowsAsync<ImportRejectedException>(() => import.ImportAsync(bad, default));

        Assert.Equal("precise.csv: row 3, column 'target' ('0.00001'): more than 4 decimal places; a target keeps at most 4 (0.0001)", ex.Errors.Single().ToString());
        Assert.Equal(before, await TargetsAsync());

        Assert.Equal(2, await import.ImportAsync(Csv("ok.csv", "rep_id,period,indicator,target\nR001,2026-11,revenue,12.3456\nR001,2026-11,visits,0.0001\n"), default));
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal([("revenue", 12.3456m), ("visits", 0.0001m)], await conn.QueryAsync<(string, decimal)>(
            "select indicator, target from reporting.target where period = '2026-11-01' order by 1"));
    }

    [Fact]
    public async Task A_target_in_a_percent_cell_is_stored_as_the_percentage_shown()
    {
        var path = Path.Combine(dir, "rates.xlsx");
        using (var doc = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Create(path, DocumentFormat.OpenXml.SpreadsheetDocumentType.Workbook))
        {
            var wb = doc.AddWorkbookPart();
            wb.Workbook = new DocumentFormat.OpenXml.Spreadsheet.Workbook();
            wb.AddNewPart<DocumentFormat.OpenXml.Packaging.WorkbookStylesPart>().Stylesheet = new DocumentFormat.OpenXml.Spreadsheet.Stylesheet(
                new DocumentFormat.OpenXml.Spreadsheet.Fonts(new DocumentFormat.OpenXml.Spreadsheet.Font()),
                new DocumentFormat.OpenXml.Spreadsheet.Fills(new DocumentFormat.OpenXml.Spreadsheet.Fill()),
                new DocumentFormat.OpenXml.Spreadsheet.Borders(new DocumentFormat.OpenXml.Spreadsheet.Border()),
                new DocumentFormat.OpenXml.Spreadsheet.CellFormats(new DocumentFormat.OpenXml.Spreadsheet.CellFormat(),
                    new DocumentFormat.OpenXml.Spreadsheet.CellFormat { NumberFormatId = 9, ApplyNumberFormat = true }));
            static DocumentFormat.OpenXml.Spreadsheet.Cell Text(string r, string t) => new()
            {
                CellReference = r, DataType = DocumentFormat.OpenXml.Spreadsheet.CellValues.InlineString,
                InlineString = new DocumentFormat.OpenXml.Spreadsheet.InlineString(new DocumentFormat.OpenXml.Spreadsheet.Text(t)),
            };
            var ws = wb.AddNewPart<DocumentFormat.OpenXml.Packaging.WorksheetPart>();
            ws.Worksheet = new DocumentFormat.OpenXml.Spreadsheet.Worksheet(new DocumentFormat.OpenXml.Spreadsheet.SheetData(
                new DocumentFormat.OpenXml.Spreadsheet.Row(Text("A1", "rep_id"), Text("B1", "period"), Text("C1", "indicator"), Text("D1", "target")) { RowIndex = 1 },
                new DocumentFormat.OpenXml.Spreadsheet.Row(Text("A2", "R001"), Text("B2", "2026-11"), Text("C2", "collection_rate"),
                    new DocumentFormat.OpenXml.Spreadsheet.Cell { CellReference = "D2", CellValue = new DocumentFormat.OpenXml.Spreadsheet.CellValue("0.9"), StyleIndex = 1 }) { RowIndex = 2 }));
            wb.Workbook.AppendChild(new DocumentFormat.OpenXml.Spreadsheet.Sheets(new DocumentFormat.OpenXml.Spreadsheet.Sheet { Id = wb.GetIdOfPart(ws), SheetId = 1, Name = "Sheet1" }));
        }

        Assert.Equal(1, await host.Services.GetRequiredService<TargetImport>().ImportAsync(path, default));

        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(90m, await conn.QuerySingleAsync<decimal>("select target from reporting.target where period = '2026-11-01' and indicator = 'collection_rate'"));
    }

    [Fact]
    public async Task A_nul_character_rejects_the_file_naming_file_row_and_column_and_nothing_is_written()
    {
        var before = await TargetsAsync();
        var path = Csv("nul.csv", "rep_id,period,indicator,target\nR001,2026-11,revenue,100\nR002,2026-11,revenue\0,100\n");

        var ex = await Assert.ThrowsAsync<ImportRejectedException>(() => host.Services.GetRequiredService<TargetImport>().ImportAsync(path, default));

        Assert.Equal("nul.csv: row 3, column 'indicator' ('revenue\u2400'): contains a NUL character (U+0000), which text cannot hold; remove it", ex.Errors.Single().ToString());
        Assert.Equal(before, await TargetsAsync());
    }

    [Fact]
    public async Task A_gb18030_targets_file_with_a_chinese_header_note_is_refused_by_its_header_not_stored_as_replacement_characters()
    {
        var path = Csv("targets.csv", "rep_id,period,indicator,target,备注\nR001,2026-11,revenue,100,十月\n", System.Text.Encoding.GetEncoding("GB18030"));
        var ex = await Assert.ThrowsAsync<ImportRejectedException>(() => host.Services.GetRequiredService<TargetImport>().ImportAsync(path, default));
        Assert.Equal("targets.csv: row 1 ('rep_id,period,indicator,target,备注'): wrong header; expected rep_id,period,indicator,target", ex.Errors.Single().ToString());
    }

    [Fact]
    public async Task Import_limits_that_make_no_sense_stop_the_program_at_start_naming_the_setting()
    {
        using var bad = db.BuildHost(new Dictionary<string, string?>
        {
            ["Mail:PickupDirectory"] = Path.GetTempPath(), ["Import:MaxFileMegabytes"] = "0",
        });
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => bad.StartAsync());
        Assert.Equal(["Import:MaxFileMegabytes must be between 1 and 1024 (megabytes)."], ex.Failures);

        using var inverted = db.BuildHost(new Dictionary<string, string?>
        {
            ["Mail:PickupDirectory"] = Path.GetTempPath(), ["Import:MaxFileMegabytes"] = "50", ["Import:MaxXlsxUncompressedMegabytes"] = "40",
        });
        var ex2 = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => inverted.StartAsync());
        Assert.Equal(["Import:MaxXlsxUncompressedMegabytes must be at least Import:MaxFileMegabytes (an .xlsx unpacks to more than its size)."], ex2.Failures);

        using var small = db.BuildHost(new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.GetTempPath(), ["Import:MaxFileMegabytes"] = "1" });
        var big = Csv("big.csv", "rep_id,period,indicator,target\n" + new string('\n', 2 * 1024 * 1024));
        var refused = await Assert.ThrowsAsync<ImportRejectedException>(() => small.Services.GetRequiredService<TargetImport>().ImportAsync(big, default));
        Assert.Equal("big.csv: the file is 2 MB; an import file may be at most 1 MB (setting Import:MaxFileMegabytes)", refused.Errors.Single().ToString());
    }
}
