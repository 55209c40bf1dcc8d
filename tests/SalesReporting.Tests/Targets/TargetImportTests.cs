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
        await using var crm = await db.Databases.Crm.OpenConnectionAsync();
        await crm.ExecuteAsync("""
            insert into crm.teams(team_id, name, region, manager_name, manager_email, locale) values ('T1', '一组', '华东', '王经理', 'wang@x.example', 'zh-CN');
            insert into crm.reps(rep_id, team_id, name, email, hire_date, active) values
              ('R001', 'T1', '甲', 'r1@x.example', '2020-01-01', true), ('R002', 'T1', '乙', 'r2@x.example', '2020-01-01', true);
            """);
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        await using var rep = await db.Databases.Reporting.OpenConnectionAsync();
        await rep.ExecuteAsync("""
            insert into reporting.target(rep_id, period, indicator, target, source_file) values
              ('R001', '2026-10-01', 'revenue', 80, 'earlier.csv'), ('R002', '2026-10-01', 'revenue', 60, 'earlier.csv');
            """);
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

        Assert.Equal([("十月目标", 3, "period", "2026-13", "expected YYYY-MM"), ("十月目标", 5, "target", "-5", "negative")],
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
}
