using Dapper;
using Microsoft.Extensions.DependencyInjection;
using SalesReporting.Data;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Indicators.Catalog;
using SalesReporting.Data.Sources;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Indicators;

/// <summary>Step 1 of the cycle without SQL: the catalog exported, edited and imported whole; one indicator tried on a month.</summary>
public sealed class CatalogFileTests() : HostedDatabaseTest("sr_catalog_file", new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.GetTempPath() },
    new FixedClock(new DateTimeOffset(2026, 11, 15, 9, 0, 0, TimeSpan.FromHours(8))))
{
    private static readonly Period October = new(2026, 10);
    private readonly string dir = Directory.CreateTempSubdirectory("sr-catalog-").FullName;

    private const string DealsWon = """
        - code: deals_won
          names: {zh-CN: 成交数, zh-TW: 成交數, en: Deals won}
          category: result
          unit: count
          direction: higher
          missing_as: zero
          has_target: false
          sort_order: 200
          summary_order: off
          enabled: true
          anomaly: {completion_below: off, mom_drop_percent: 20, mom_drop_points: 5, z: off, z_months: 6, z_min_months: 4}
          query: |
            select rep_id, count(*) as value
            from staging.opportunities
            where stage = 'won' and won_at >= @period_start::timestamp at time zone @tz and won_at < (@period_end + 1)::timestamp at time zone @tz
            group by rep_id

        """;

    protected override async Task SeedAsync()
    {
        await new Seed(db.Databases)
            .Team("T1", "一组", "华东", "王经理", "wang@x.example", "zh-CN")
            .Rep("R1", "T1", "甲", "r1@x.example").Rep("R2", "T1", "乙", "r2@x.example").Rep("R3", "T1", "丙", "r3@x.example")
            .Customer("C1", "客户一", "retail", "smb", "R1")
            .Opportunity("O1", "R1", "C1", 100000, "2026-09-10 10:00+08", "2026-10-02 10:00+08")
            .Opportunity("O2", "R1", "C1", 200000, "2026-09-10 10:00+08", "2026-10-31 23:30+08")
            .Opportunity("O3", "R2", "C1", 300000, "2026-09-10 10:00+08", "2026-10-15 10:00+08")
            .Opportunity("O4", "R2", "C1", 300000, "2026-09-10 10:00+08", "2026-11-01 00:30+08")
            .WriteAsync();
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
    }

    private CatalogStore Store => host.Services.GetRequiredService<CatalogStore>();

    private async Task<string> ExportAsync(string name = "catalog.yaml")
    {
        var path = Path.Combine(dir, name);
        await Store.ExportAsync(path, default);
        return path;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<string> SnapshotAsync()
    {
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        return string.Join("\n", await conn.QueryAsync<string>("select i::text from reporting.indicator i order by code"))
            + "\n" + string.Join("\n", await conn.QueryAsync<string>("select w::text from reporting.indicator_weight w order by team_id, indicator"));
    }

    [Fact]
    public async Task Importing_a_file_just_exported_changes_nothing_and_the_file_reads_as_the_catalog()
    {
        var before = await SnapshotAsync();
        var path = await ExportAsync();
        var text = await File.ReadAllTextAsync(path);

        // The twelve built-in indicators with their names in three locales, no query of theirs; the default weights.
        Assert.Contains("""
            - code: revenue
              names: {zh-CN: 销售额, zh-TW: 銷售額, en: Revenue}
              category: result
              unit: wan_yuan
              direction: higher
              missing_as: zero
              has_target: true
              sort_order: 10
              summary_order: 10
              enabled: true
              anomaly: {completion_below: 80, mom_drop_percent: 10, mom_drop_points: 5, z: 2, z_months: 6, z_min_months: 4}
            """.ReplaceLineEndings("\n"), text, StringComparison.Ordinal);
        Assert.Contains("""
              "*": {revenue: 25, collection_rate: 15, new_customers: 10, visits: 10, effective_visits: 10, lead_conversion: 10, proposals: 10, negotiation_cycle: 5, customer_satisfaction: 5}
            """.ReplaceLineEndings("\n"), text, StringComparison.Ordinal);
        Assert.Equal(12, text.Split('\n').Count(l => l.StartsWith("- code: ", StringComparison.Ordinal)));
        Assert.DoesNotContain("query:", text, StringComparison.Ordinal);

        var result = await Store.ImportAsync(path, acceptWarnings: false, default);
        Assert.Equal((0, 0, false), (result.Changes.Count, result.Warnings.Count, result.Applied));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task A_custom_indicator_and_new_weights_are_applied_together_and_computed_and_export_gives_the_file_back()
    {
        var text = (await File.ReadAllTextAsync(await ExportAsync())).ReplaceLineEndings("\n")
            .Replace("\nweights:", "\n" + DealsWon.ReplaceLineEndings("\n").TrimEnd('\n') + "\nweights:", StringComparison.Ordinal)
            .Replace("revenue: 25, collection_rate: 15", "revenue: 20, collection_rate: 15", StringComparison.Ordinal)
            .Replace("customer_satisfaction: 5}", "customer_satisfaction: 5, deals_won: 5}\n  T1: {revenue: 40, visits: 30, proposals: 30}", StringComparison.Ordinal);
        var path = Write("edited.yaml", text);

        var result = await Store.ImportAsync(path, acceptWarnings: false, default);
        Assert.True(result.Applied);
        Assert.Empty(result.Warnings);
        Assert.Equal([
            "deals_won: new custom indicator (Deals won, result, count)",
            "weights of company default \"*\": deals_won off → 5",
            "weights of company default \"*\": revenue 25 → 20",
            "weights of team T1: new set (revenue 40, visits 30, proposals 30)"], result.Changes);

        // Compute runs it like a built-in: R1 won two deals in October (company time), R2 one (the other is November's), R3 none.
        await host.Services.GetRequiredService<IndicatorCompute>().ComputeAsync(October, default);
        await using (var conn = await db.Databases.Reporting.OpenConnectionAsync())
        {
            Assert.Equal([("R1", 2m), ("R2", 1m), ("R3", 0m)], (await conn.QueryAsync<(string, decimal)>(
                "select rep_id, actual from reporting.indicator_value where period = '2026-10-01' and indicator = 'deals_won' order by 1")).ToList());
            Assert.Equal(40m, await conn.ExecuteScalarAsync<decimal>("select weight from reporting.indicator_weight where team_id = 'T1' and indicator = 'revenue'"));
        }

        // Exported again, the file is the one imported, byte for byte.
        Assert.Equal(text, (await File.ReadAllTextAsync(await ExportAsync("again.yaml"))).ReplaceLineEndings("\n"));
        Assert.Empty((await Store.ImportAsync(path, acceptWarnings: false, default)).Changes);
    }

    [Fact]
    public async Task Weight_sets_off_100_or_light_on_process_need_accept_warnings_and_are_otherwise_not_written()
    {
        var before = await SnapshotAsync();
        var text = (await File.ReadAllTextAsync(await ExportAsync())).ReplaceLineEndings("\n")
            .Replace("revenue: 25, collection_rate: 15", "revenue: 35, collection_rate: 15", StringComparison.Ordinal)
            .Replace("customer_satisfaction: 5}", "customer_satisfaction: 5}\n  T1: {revenue: 70, visits: 30}\n  T9: {revenue: 60, visits: 40}", StringComparison.Ordinal);
        var path = Write("heavy.yaml", text);

        var refused = await Store.ImportAsync(path, acceptWarnings: false, default);
        Assert.False(refused.Applied);
        Assert.Equal([
            "weights of the company default \"*\" sum to 110 over the enabled indicators, not 100",
            "process indicators weigh 30 in team T1, below 40",
            "weights: T9 is not a team of staging.teams (not synced yet, or mistyped)"], refused.Warnings);
        Assert.Equal(before, await SnapshotAsync());

        Assert.True((await Store.ImportAsync(path, acceptWarnings: true, default)).Applied);
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(35m, await conn.ExecuteScalarAsync<decimal>("select weight from reporting.indicator_weight where team_id = '*' and indicator = 'revenue'"));
        Assert.Equal(70m, await conn.ExecuteScalarAsync<decimal>("select weight from reporting.indicator_weight where team_id = 'T1' and indicator = 'revenue'"));
    }

    [Fact]
    public async Task A_file_with_mistakes_is_refused_whole_naming_line_and_key_and_nothing_is_written()
    {
        var before = await SnapshotAsync();
        var text = (await File.ReadAllTextAsync(await ExportAsync())).ReplaceLineEndings("\n")
            .ReplaceFirst("  unit: wan_yuan\n", "  unit: yuan\n")
            .Replace("  sort_order: 20\n", "  sort_order: 20\n  colour: red\n", StringComparison.Ordinal)
            .Replace("anomaly: {completion_below: 80, mom_drop_percent: 10, mom_drop_points: 5, z: 2, z_months: 6, z_min_months: 4}\n- code: new_customers",
                "anomaly: {completion_below: 80, mom_drop_percent: 10, mom_drop_points: 5, z: 2, z_months: 6}\n- code: new_customers", StringComparison.Ordinal)
            .ReplaceFirst(", visits: 10,", ", visit: 10,");
        var lines = text.Split('\n');
        int Line(string start) => Array.FindIndex(lines, l => l.StartsWith(start, StringComparison.Ordinal)) + 1;

        var ex = await Assert.ThrowsAsync<ImportRejectedException>(() => Store.ImportAsync(Write("bad.yaml", text), acceptWarnings: true, default));
        Assert.Equal([
            $"bad.yaml: line {Line("  unit: yuan")}, key 'revenue.unit' ('yuan'): expected one of wan_yuan, percent, count, days, score",
            $"bad.yaml: line {Line("  colour: red")}, key 'collection_rate.colour' ('colour'): unknown key; expected code, names, category, unit, direction, missing_as, has_target, sort_order, summary_order, enabled, anomaly, query",
            $"bad.yaml: line {Line("  anomaly: {completion_below: 80, mom_drop_percent: 10, mom_drop_points: 5, z: 2, z_months: 6}")}, key 'collection_rate.anomaly.z_min_months': missing",
            $"bad.yaml: line {Line("  \"*\":")}, key 'weights.*.visit' ('visit'): not an indicator of this file"],
            ex.Errors.Select(e => e.ToString()));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task The_catalog_is_checked_whole_against_the_database_a_failing_custom_query_is_refused_with_the_servers_message()
    {
        var before = await SnapshotAsync();
        var text = (await File.ReadAllTextAsync(await ExportAsync())).ReplaceLineEndings("\n");
        var dropped = string.Join("\n- code: ", text.Split("\n- code: ").Where(part => !part.StartsWith("gross_margin\n", StringComparison.Ordinal)));
        var broken = dropped
            .Replace("\nweights:", "\n" + DealsWon.Replace("count(*) as value", "count(*) as value, sum(amont) as numerator", StringComparison.Ordinal).TrimEnd('\n') + "\nweights:", StringComparison.Ordinal)
            .Replace("  sort_order: 10\n", "  sort_order: 10\n  query: |\n    select rep_id, 1 as value from staging.reps\n", StringComparison.Ordinal);

        var ex = await Assert.ThrowsAsync<ImportRejectedException>(() => Store.ImportAsync(Write("whole.yaml", broken), acceptWarnings: true, default));
        Assert.Equal([
            "whole.yaml, key 'deals_won.query': the query fails on 2026-10, the last closed month: column \"amont\" does not exist",
            "whole.yaml, key 'gross_margin': the indicator is in the catalog but not in the file: an import describes the whole catalog; to retire it, keep it with enabled: false (its history stays)",
            "whole.yaml, key 'revenue.query': a built-in indicator's query is the product's and cannot be replaced; add a custom indicator with a code of its own"],
            ex.Errors.Select(e => e.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task An_indicator_retired_keeps_its_history_and_is_no_longer_computed()
    {
        var compute = host.Services.GetRequiredService<IndicatorCompute>();
        await compute.ComputeAsync(new Period(2026, 9), default);
        var text = (await File.ReadAllTextAsync(await ExportAsync())).ReplaceLineEndings("\n");
        var at = text.IndexOf("- code: visits\n", StringComparison.Ordinal);
        var enabled = text.IndexOf("  enabled: true\n", at, StringComparison.Ordinal);
        var retired = text[..enabled] + "  enabled: false\n" + text[(enabled + "  enabled: true\n".Length)..];

        var result = await Store.ImportAsync(Write("retire.yaml", retired), acceptWarnings: true, default);
        Assert.Contains("visits: enabled true → false", result.Changes);
        await compute.ComputeAsync(October, default);

        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal([("2026-09-01", 3L)], (await conn.QueryAsync<(string, long)>(
            "select period::text, count(*) from reporting.indicator_value where indicator = 'visits' group by 1 order by 1")).ToList());
        Assert.Equal(3L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.indicator_value where indicator = 'revenue' and period = '2026-10-01'"));
    }

    [Fact]
    public async Task Test_runs_one_indicator_for_a_month_and_writes_nothing()
    {
        await Store.ImportAsync(Write("deals.yaml", (await File.ReadAllTextAsync(await ExportAsync())).ReplaceLineEndings("\n")
            .Replace("\nweights:", "\n" + DealsWon.TrimEnd('\n') + "\nweights:", StringComparison.Ordinal)), acceptWarnings: true, default);

        var trial = await Store.TestAsync("deals_won", October, 1, default);
        Assert.Equal(("count", 2L, 1), (trial.Unit, trial.Reps, trial.Rows.Count));
        Assert.Equal(new IndicatorTrialRow("R1", 2m, null, null), trial.Rows[0]);
        // Revenue reads invoices, and there are none: the query returns no row (compute would give each rep 0).
        var revenue = await Store.TestAsync("revenue", October, 10, default);
        Assert.Equal((0L, 0), (revenue.Reps, revenue.Rows.Count));
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.indicator_value"));
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => Store.TestAsync("deal_won", October, 1, default));
        Assert.Equal("--code 'deal_won' is not an indicator of the catalog (indicators export lists them).", unknown.Message);
    }
}

internal static class CatalogText
{
    public static string ReplaceFirst(this string text, string what, string with)
    {
        var at = text.IndexOf(what, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{what}' is not in the text");
        return text[..at] + with + text[(at + what.Length)..];
    }
}
