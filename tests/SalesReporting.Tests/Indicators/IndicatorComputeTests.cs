using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SalesReporting.Data;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Sources;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Indicators;

/// <summary>Each indicator against figures computed by hand from a few source rows written here.</summary>
public sealed class IndicatorComputeTests() : HostedDatabaseTest("sr_compute", new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.GetTempPath() })
{
    private static readonly Period October = new(2026, 10);

    protected override async Task SeedAsync()
    {
        await new Seed(db.Databases)
            .Team("T1", "一组", "华东", "王经理", "wang@x.example", "zh-CN")
            .Rep("R1", "T1", "甲", "r1@x.example")
            .Rep("R2", "T1", "乙", "r2@x.example")
            .Customer("C1", "老客户", "制造业", "key", "R1").Customer("C2", "新客户", "零售业", "standard", "R1").Customer("C3", "又一新客户", "科技业", "standard", "R2")
            // 23:30 local on the last day is October; 00:30 local on Nov 1 (16:30 UTC Oct 31) is November.
            .Activity("A1", "R1", "C1", "visit", "2026-10-31 23:30+08", 30, true, true, "late visit")
            .Activity("A2", "R1", "C1", "visit", "2026-11-01 00:30+08", 30, true, true, "next month")
            .Activity("A3", "R1", "C1", "visit", "2026-10-01 00:10+08", 5, true, true, "too short to be effective")
            .Activity("A4", "R1", "C2", "proposal", "2026-10-12 10:00+08", 60, true, true, "proposal")
            // C1 first won in 2025 (not new in October); C2 first won in October, twice; C3 first won in October by R2.
            .Opportunity("O1", "R1", "C1", 10000, "2025-03-01 10:00+08", "2025-03-11 10:00+08")
            .Opportunity("O2", "R1", "C1", 40000, "2026-10-01 10:00+08", "2026-10-21 10:00+08")
            .Opportunity("O3", "R1", "C2", 20000, "2026-10-02 10:00+08", "2026-10-12 10:00+08")
            .Opportunity("O4", "R1", "C2", 30000, null, "2026-10-20 10:00+08")
            .Opportunity("O5", "R2", "C3", 50000, "2026-09-30 10:00+08", "2026-10-30 10:00+08")
            // Created on 2026-09-01 (midnight in the test server's time zone, UTC).
            .Lead("L1", "R1", "2026-09-01 00:00+00", "2026-10-02 10:00+08", "2026-10-05 10:00+08")
            .Lead("L2", "R1", "2026-09-01 00:00+00", "2026-10-03 10:00+08")
            .Lead("L3", "R1", "2026-09-01 00:00+00", "2026-10-04 10:00+08")
            .Lead("L4", "R1", "2026-09-01 00:00+00", "2026-10-05 10:00+08")
            .Survey("S1", "C1", "R1", 5, "2026-10-10 10:00+08").Survey("S2", "C2", "R1", 4, "2026-10-11 10:00+08")
            .Invoice("I1", "C1", "R1", "2026-09-05", "2026-10-05", 100000, 60000)
            .Invoice("I2", "C2", "R1", "2026-09-10", "2026-10-10", 50000, 30000)
            .Invoice("I3", "C1", "R1", "2026-10-03", "2026-11-03", 300000, 200000)
            .Invoice("I4", "C1", "R1", "2026-10-04", "2026-10-30", 999999, 0, "void")
            .Invoice("I5", "C3", "R2", "2026-10-08", "2026-11-08", 100000, 80000)
            // I1: 60,000 by the end of October, 40,000 only in November. I2: overpaid, counts at most its amount.
            .Payment("P1", "I1", "2026-10-20", 60000).Payment("P2", "I1", "2026-11-02", 40000).Payment("P3", "I2", "2026-10-09", 55000)
            .WriteAsync();
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        await new Seed(db.Databases)
            .Target("R1", "2026-10-01", "revenue", 40).Target("R1", "2026-10-01", "negotiation_cycle", 10).Target("R1", "2026-10-01", "visits", 0)
            .WriteAsync();
    }

    private async Task<Dictionary<(string Rep, string Indicator), (decimal? Actual, decimal? Completion)>> ComputeAsync()
    {
        var result = await host.Services.GetRequiredService<IndicatorCompute>().ComputeAsync(October, default);
        Assert.Empty(result.Errors);
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        return (await conn.QueryAsync<(string RepId, string Indicator, decimal? Actual, decimal? Completion)>(
                "select rep_id, indicator, actual, completion from reporting.indicator_result where period = '2026-10-01'"))
            .ToDictionary(r => (r.RepId, r.Indicator), r => (r.Actual, r.Completion));
    }

    [Fact]
    public async Task Each_default_indicator_matches_the_hand_computed_value()
    {
        var v = await ComputeAsync();
        decimal? A(string rep, string code) => v[(rep, code)].Actual is { } d ? Math.Round(d, 4) : null;
        Assert.Equal(30m, A("R1", "revenue"));                 // 300,000 issued in October; the void invoice is ignored
        Assert.Equal(10m, A("R2", "revenue"));
        // Due in October: I1 100,000 (60,000 received by Oct 31) and I2 50,000 (overpaid, capped): 110,000 / 150,000.
        Assert.Equal(73.3333m, A("R1", "collection_rate"));
        Assert.Null(A("R2", "collection_rate"));               // nothing due: no value, not 0 and not 100
        Assert.Equal(1m, A("R1", "new_customers"));            // C2 once, though won twice; C1 was won before
        Assert.Equal(1m, A("R2", "new_customers"));
        Assert.Equal(3m, A("R1", "avg_order_value"));          // (40,000 + 20,000 + 30,000) / 3 wins, in 万元
        Assert.Equal(33.3333m, A("R1", "gross_margin"));       // (300,000 − 200,000) / 300,000
        Assert.Equal(2m, A("R1", "visits"));                   // A1 at 23:30 local on Oct 31 is October; A2 is November
        Assert.Equal(1m, A("R1", "effective_visits"));         // A3 lasted 5 minutes
        Assert.Equal(25m, A("R1", "lead_conversion"));         // 1 converted / 4 qualified
        Assert.Equal(1m, A("R1", "proposals"));
        Assert.Equal(15m, A("R1", "negotiation_cycle"));       // (20 + 10) / 2 days; O4 has no proposal date
        Assert.Equal(75m, A("R1", "team_share"));              // 30 of the team's 40 万元
        Assert.Equal(4.5m, A("R1", "customer_satisfaction"));
        Assert.Equal(0m, A("R2", "visits"));                   // a count with no rows is 0
        Assert.Null(A("R2", "customer_satisfaction"));         // a mean with no rows has no value
    }

    [Fact]
    public async Task Completion_is_direction_aware_and_empty_for_a_zero_or_missing_target()
    {
        var v = await ComputeAsync();
        Assert.Equal(75.0m, Scoring.Round1(v[("R1", "revenue")].Completion!.Value));             // 30 / 40
        Assert.Equal(66.7m, Scoring.Round1(v[("R1", "negotiation_cycle")].Completion!.Value));   // lower is better: 10 / 15
        Assert.Null(v[("R1", "visits")].Completion);                                           // target 0
        Assert.Null(v[("R1", "proposals")].Completion);                                        // no target
    }

    [Fact]
    public async Task A_custom_SQL_indicator_is_computed_and_a_broken_one_is_reported_by_name_without_stopping_the_others()
    {
        await new Seed(db.Databases)
            .Indicator("demo_count", "演示次数", "演示次數", "Demos", 200,
                "select rep_id, count(*) as value from staging.activities where kind = 'proposal' and occurred_at >= @period_start::timestamp at time zone @tz and occurred_at < (@period_end + 1)::timestamp at time zone @tz group by rep_id")
            .Indicator("broken", "坏的", "壞的", "Broken", 210, "select rep_id, count(*) as value from staging.no_such_table group by rep_id")
            .Indicator("sneaky", "写入", "寫入", "Writes", 220,
                "select rep_id, 1 as value from staging.reps where (select count(*) from (delete from staging.reps returning 1) d) > 0")
            .Target("R1", "2026-10-01", "demo_count", 4)
            .WriteAsync();
        await using (var conn = await db.Databases.Reporting.OpenConnectionAsync())
            // Shown on the summary too, as its last column, and given a target: still no code.
            await conn.ExecuteAsync("update reporting.indicator set summary_order = 70 where code = 'demo_count'");
        var result = await host.Services.GetRequiredService<IndicatorCompute>().ComputeAsync(October, default);
        Assert.Equal(["broken", "sneaky"], result.Errors.Select(e => e.Indicator).Order());
        Assert.Contains("no_such_table", result.Errors.Single(e => e.Indicator == "broken").Error, StringComparison.Ordinal);
        await using var check = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(1m, await check.ExecuteScalarAsync<decimal>("select actual from reporting.indicator_value where indicator = 'demo_count' and rep_id = 'R1'"));
        Assert.Equal(0m, await check.ExecuteScalarAsync<decimal>("select actual from reporting.indicator_value where indicator = 'demo_count' and rep_id = 'R2'"));
        Assert.Equal(2L, await check.ExecuteScalarAsync<long>("select count(*) from staging.reps"));
        Assert.Equal(30m, await check.ExecuteScalarAsync<decimal>("select actual from reporting.indicator_value where indicator = 'revenue' and rep_id = 'R1'"));
        Assert.Equal(2L, await check.ExecuteScalarAsync<long>("select count(*) from reporting.compute_error where period = '2026-10-01'"));

        // The forms and the manager's summary pick it up from the catalog.
        var form = (await host.Services.GetRequiredService<SalesReporting.Reports.Forms.FormQuery>().LoadAsync(October, ["R1"], default)).Single();
        var line = form.Indicators.Single(i => i.Code == "demo_count");
        Assert.Equal(("演示次数", 1m, 4m, 25m), (line.Name, line.Actual, line.Target, line.Completion));
        Assert.DoesNotContain(form.Indicators, i => i.Code is "broken" or "sneaky");
        var summary = await host.Services.GetRequiredService<SalesReporting.Reports.Summary.SummaryQuery>().LoadAsync(October, "T1", default);
        Assert.Equal(["revenue", "collection_rate", "new_customers", "visits", "lead_conversion", "proposals", "demo_count"], summary.KeyIndicators.Select(i => i.Code));
        Assert.Equal(25m, summary.Reps.Single(r => r.RepId == "R1").Completions[^1]);
    }

    [Fact]
    public async Task A_value_of_any_precision_is_stored_exactly_as_the_query_computed_it()
    {
        // 32 significant digits: more than a .NET decimal holds, as an average or a ratio easily has.
        const string precise = "809969453.57659523808266670000123";
        await new Seed(db.Databases)
            .Indicator("precise", "精确", "精確", "Precise", 230, $"select rep_id, {precise} as value from staging.reps where rep_id = 'R1'", missingAs: "none")
            .Target("R1", "2026-10-01", "precise", 3)
            .WriteAsync();
        // The whole month: its scores and anomaly rules read the value, and a completion of as many digits, too.
        var result = await host.Services.GetRequiredService<IndicatorCompute>().ComputeAsync(October, default);
        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Derived!.RepScores);
        await using var check = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(precise, await check.ExecuteScalarAsync<string>("select actual::text from reporting.indicator_value where indicator = 'precise' and rep_id = 'R1'"));
        Assert.Null(await check.ExecuteScalarAsync<string>("select actual::text from reporting.indicator_value where indicator = 'precise' and rep_id = 'R2'"));
        // The rep's form reads it too, to ten decimal places (a decimal holds no more than 28 digits).
        var form = (await host.Services.GetRequiredService<SalesReporting.Reports.Forms.FormQuery>().LoadAsync(October, ["R1"], default)).Single();
        Assert.Equal(809969453.5765952381m, form.Indicators.Single(i => i.Code == "precise").Actual);
    }

    [Theory]
    [InlineData(85, 100, 85.0)]
    [InlineData(75, 90, 83.3)]
    [InlineData(12, 15, 80.0)]
    [InlineData(100, 120, 83.3)]
    [InlineData(18, 25, 72.0)]
    [InlineData(25, 30, 83.3)]
    [InlineData(1, 8, 12.5)]      // 12.5 exactly: half away from zero
    [InlineData(1, 16, 6.3)]      // 6.25 → 6.3
    public void Completion_rounds_to_one_decimal_half_away_from_zero(int actual, int target, double expected) =>
        Assert.Equal((decimal)expected, Scoring.Round1((decimal)actual / target * 100));
}
