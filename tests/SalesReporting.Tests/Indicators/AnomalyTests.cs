using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SalesReporting.Data;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Sources;
using SalesReporting.Reports.Forms;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Indicators;

/// <summary>
/// Source rows for June–October 2026, each rep built to sit on one side of one anomaly rule or to produce
/// one reason draft; figures in the comments are worked out by hand.
/// </summary>
public static class AnomalySeed
{
    public static readonly Period October = new(2026, 10);

    public static async Task<(TestDatabase Db, IHost Host)> CreateAsync(string prefix)
    {
        var db = await TestDatabase.CreateAsync(prefix);
        var host = db.BuildHost(new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.GetTempPath() },
            new FixedClock(new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero)));
        var reps = new[] { "R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "D1", "D2", "D3", "D4", "D5", "D6" };
        var seed = new Seed(db.Databases)
            .Team("T1", "一组", "华东", "王经理", "wang@x.example", "zh-CN")
            .Team("T2", "North", "North", "Smith", "smith@x.example", "en")
            .Team("T3", "三組", "台北", "林經理", "lin@x.example", "zh-TW")
            .Rep("D7", "T2", "Ann", "d7@x.example")
            .Rep("D8", "T3", "陳", "d8@x.example")
            .Reps("T1", reps)
            .Customer("K", "客户K")
            .Customer("CA", "客户A").Customer("CB", "客户B").Customer("CC", "客户C").Customer("CD", "客户D")
            .Customer("CW", "客户W").Customer("CX", "客户X").Customer("CY", "客户Y").Customer("CZ", "客户Z")
            .Customer("CP", "客户P").Customer("CQ", "客户Q").Customer("CR", "客户R")
            .Customer("EA", "Customer A", "Retail").Customer("EB", "Customer B", "Retail").Customer("EC", "Customer C", "Retail")
            .Customer("TA", "客戶A", "製造業").Customer("TB", "客戶B", "製造業").Customer("TC", "客戶C", "製造業")
            // R7 and R8: negotiation cycle (lower is better) 10 days in September, then 11 (+10%, worse) and 9 (−10%, better).
            .Opportunity("O7a", "R7", "K", 10000, "2026-09-01 10:00+08", "2026-09-11 10:00+08")
            .Opportunity("O7b", "R7", "K", 10000, "2026-10-01 10:00+08", "2026-10-12 10:00+08")
            .Opportunity("O8a", "R8", "K", 10000, "2026-09-01 10:00+08", "2026-09-11 10:00+08")
            .Opportunity("O8b", "R8", "K", 10000, "2026-10-01 10:00+08", "2026-10-10 10:00+08")
            // D3: one new customer in October. D5: three wins, 40, 20 and 6 days after the proposal, 10 + 6 + 2 万元.
            .Opportunity("O3", "D3", "CW", 50000, null, "2026-10-18 10:00+08")
            .Opportunity("O5x", "D5", "CX", 100000, "2026-09-01 10:00+08", "2026-10-11 10:00+08")
            .Opportunity("O5y", "D5", "CY", 60000, "2026-09-26 10:00+08", "2026-10-16 10:00+08")
            .Opportunity("O5z", "D5", "CZ", 20000, "2026-10-10 10:00+08", "2026-10-16 10:00+08");
        // z-score on satisfaction. R9: 4, 3, 4, 3 then 5 (z = 1.5 / 0.577 = 2.6). R10: the same with only 3 months
        // behind it. R11: 4, 3, 4, 3 then 4.6 (z = 1.9). R12: 1, 1, 1, 3 (mean 1.5, sd 1) then 3.5 (z = 2 exactly).
        foreach (var (id, rep, score, at) in new (string, string, int, string)[]
        {
            ("S9a", "R9", 4, "2026-06-10"), ("S9b", "R9", 3, "2026-07-10"), ("S9c", "R9", 4, "2026-08-10"), ("S9d", "R9", 3, "2026-09-10"), ("S9e", "R9", 5, "2026-10-10"),
            ("S10b", "R10", 4, "2026-07-10"), ("S10c", "R10", 3, "2026-08-10"), ("S10d", "R10", 4, "2026-09-10"), ("S10e", "R10", 5, "2026-10-10"),
            ("S11a", "R11", 4, "2026-06-10"), ("S11b", "R11", 3, "2026-07-10"), ("S11c", "R11", 4, "2026-08-10"), ("S11d", "R11", 3, "2026-09-10"),
            ("S11e", "R11", 5, "2026-10-10"), ("S11f", "R11", 5, "2026-10-11"), ("S11g", "R11", 5, "2026-10-12"), ("S11h", "R11", 4, "2026-10-13"), ("S11i", "R11", 4, "2026-10-14"),
            ("S12a", "R12", 1, "2026-06-10"), ("S12b", "R12", 1, "2026-07-10"), ("S12c", "R12", 1, "2026-08-10"),
            ("S12d", "R12", 3, "2026-09-10"), ("S12e", "R12", 3, "2026-10-10"), ("S12f", "R12", 4, "2026-10-11"),
        })
            seed.Survey(id, "K", rep, score, $"{at} 10:00+08");
        // D6: 2, 3, 5, 5 → 3.75 against 4.8.
        seed.Survey("S6a", "CP", "D6", 2, "2026-10-10 10:00+08").Survey("S6b", "CQ", "D6", 3, "2026-10-11 10:00+08")
            .Survey("S6c", "CR", "D6", 5, "2026-10-12 10:00+08").Survey("S6d", "CR", "D6", 5, "2026-10-13 10:00+08");
        // D3: 20 leads qualified in October, 3 of them converted in October.
        for (var n = 1; n <= 20; n++)
            seed.Lead($"L{n}", "D3", "2026-09-20 10:00+08", "2026-10-05 10:00+08", n <= 3 ? "2026-10-20 10:00+08" : default(At?));
        // D4: 6 visits in September; in October 4 visits to 3 customers, one effective (30 min, decision maker,
        // need), one of 5 minutes, one without the decision maker, one without duration or need.
        // 3 proposals in September, 1 in October; 1 demo in October.
        At september10 = "2026-09-10 10:00+08";
        for (var n = 1; n <= 6; n++) seed.Activity($"V9{n}", "D4", "CA", "visit", september10.AddDays(n), subject: "visit");
        seed.Activity("V1", "D4", "CA", "visit", "2026-10-05 10:00+08", 30, true, true, "ok")
            .Activity("V2", "D4", "CA", "visit", "2026-10-06 10:00+08", 5, true, true, "short")
            .Activity("V3", "D4", "CB", "visit", "2026-10-07 10:00+08", 30, false, true, "no decision maker")
            .Activity("V4", "D4", "CC", "visit", "2026-10-08 10:00+08", null, true, false, "no duration, no need")
            .Activity("P9a", "D4", "CA", "proposal", "2026-09-05 10:00+08", 60, subject: "p")
            .Activity("P9b", "D4", "CA", "proposal", "2026-09-06 10:00+08", 60, subject: "p")
            .Activity("P9c", "D4", "CA", "proposal", "2026-09-07 10:00+08", 60, subject: "p")
            .Activity("P10", "D4", "CA", "proposal", "2026-10-09 10:00+08", 60, subject: "p")
            .Activity("DM1", "D4", "CA", "demo", "2026-10-10 10:00+08", 60, subject: "demo");
        // Revenue rules. R1: 80 then 80 against 100 (completion exactly 80). R2: 79.9 against 100.
        // R3: 100 then 90 (MoM −10%). R4: 100 then 90.1 (−9.9%).
        seed.Invoice("I1a", "K", "R1", "2026-09-05", "2026-12-31", 800000).Invoice("I1b", "K", "R1", "2026-10-05", "2026-12-31", 800000)
            .Invoice("I2a", "K", "R2", "2026-09-05", "2026-12-31", 799000).Invoice("I2b", "K", "R2", "2026-10-05", "2026-12-31", 799000)
            .Invoice("I3a", "K", "R3", "2026-09-05", "2026-12-31", 1000000).Invoice("I3b", "K", "R3", "2026-10-05", "2026-12-31", 900000)
            .Invoice("I4a", "K", "R4", "2026-09-05", "2026-12-31", 1000000).Invoice("I4b", "K", "R4", "2026-10-05", "2026-12-31", 901000)
            // Collection (percent unit): R5 80% then 75% (−5 pp, −6.25%); R6 30% then 26% (−4 pp, −13.3%). Issued in May,
            // before the computed months, so revenue stays flat at 0.
            .Invoice("I5a", "K", "R5", "2026-05-15", "2026-09-15", 100000).Invoice("I5b", "K", "R5", "2026-05-15", "2026-10-15", 100000)
            .Invoice("I6a", "K", "R6", "2026-05-15", "2026-09-15", 100000).Invoice("I6b", "K", "R6", "2026-05-15", "2026-10-15", 100000)
            // D2: September A 10, B 5, D 3; October A 2, B 4.5, C 3 (and a void 50 for A): 9.5 against 20.
            .Invoice("I2s1", "CA", "D2", "2026-09-03", "2026-12-31", 100000).Invoice("I2s2", "CB", "D2", "2026-09-03", "2026-12-31", 50000)
            .Invoice("I2s3", "CD", "D2", "2026-09-03", "2026-12-31", 30000)
            .Invoice("I2o1", "CA", "D2", "2026-10-03", "2026-12-31", 20000).Invoice("I2o2", "CB", "D2", "2026-10-03", "2026-12-31", 45000)
            .Invoice("I2o3", "CC", "D2", "2026-10-03", "2026-12-31", 30000).Invoice("I2o4", "CA", "D2", "2026-10-04", "2026-12-31", 500000, 0, "void")
            // D6: October margins P 5%, Q 20%, R 80%: 27.5% against 40.
            .Invoice("I6p", "CP", "D6", "2026-10-03", "2026-12-31", 100000, 95000).Invoice("I6q", "CQ", "D6", "2026-10-03", "2026-12-31", 50000, 40000)
            .Invoice("I6r", "CR", "D6", "2026-10-03", "2026-12-31", 50000, 10000)
            .Payment("P5a", "I5a", "2026-09-20", 80000).Payment("P5b", "I5b", "2026-10-20", 75000)
            .Payment("P6a", "I6a", "2026-09-20", 30000).Payment("P6b", "I6b", "2026-10-20", 26000);
        // Collection drafts, one rep per locale: due in October B 15 万元 unpaid, C 5 with 4 paid by Oct 31 (1 more
        // only in November), A 2 paid. Receivable 22: B 68.2%, C 4.5%; collection 6/22 = 27.3% against 90.
        foreach (var (rep, a, b, c) in new[] { ("D1", "CA", "CB", "CC"), ("D7", "EA", "EB", "EC"), ("D8", "TA", "TB", "TC") })
            seed.Invoice(rep + "a", a, rep, "2026-05-15", "2026-10-10", 20000)
                .Invoice(rep + "b", b, rep, "2026-05-15", "2026-10-12", 150000)
                .Invoice(rep + "c", c, rep, "2026-05-15", "2026-10-14", 50000)
                .Payment(rep + "pa", rep + "a", "2026-10-20", 20000)
                .Payment(rep + "pc", rep + "c", "2026-10-15", 40000)
                .Payment(rep + "pc2", rep + "c", "2026-11-02", 10000);
        await seed.WriteAsync();
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        await new Seed(db.Databases)
            .Indicator("demo_count", "演示次数", "演示次數", "Demos", 200,
                "select rep_id, count(*) as value from staging.activities where kind = 'demo' and occurred_at >= @period_start::timestamp at time zone @tz and occurred_at < (@period_end + 1)::timestamp at time zone @tz group by rep_id")
            .Target("R1", "2026-10-01", "revenue", 100).Target("R2", "2026-10-01", "revenue", 100)
            .Targets("2026-10-01", "collection_rate", 90, "D1", "D7", "D8")
            .Target("D2", "2026-10-01", "revenue", 20)
            .Target("D3", "2026-10-01", "new_customers", 5).Target("D3", "2026-10-01", "lead_conversion", 25)
            .Target("D4", "2026-10-01", "visits", 10).Target("D4", "2026-10-01", "effective_visits", 4).Target("D4", "2026-10-01", "proposals", 5)
            .Target("D4", "2026-10-01", "demo_count", 4)
            .Target("D5", "2026-10-01", "negotiation_cycle", 15).Target("D5", "2026-10-01", "avg_order_value", 10)
            .Target("D6", "2026-10-01", "gross_margin", 40).Target("D6", "2026-10-01", "customer_satisfaction", 4.8m)
            .WriteAsync();
        var compute = host.Services.GetRequiredService<IndicatorCompute>();
        for (var m = -4; m <= 0; m++)
            Assert.Empty((await compute.ComputeAsync(October.Add(m), default)).Errors);
        return (db, host);
    }

    public static async Task<Dictionary<(string Rep, string Indicator), (string[] Rules, string Draft)>> AnomaliesAsync(TestDatabase db)
    {
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        return (await conn.QueryAsync<(string RepId, string Indicator, string[] Rules, string Draft)>(
                "select rep_id, indicator, rules, draft from reporting.anomaly where period = '2026-10-01'"))
            .ToDictionary(a => (a.RepId, a.Indicator), a => (a.Rules, a.Draft));
    }
}

public sealed class AnomalyFixture : IAsyncLifetime
{
    public TestDatabase Db { get; private set; } = null!;
    public IHost Host { get; private set; } = null!;
    public Dictionary<(string Rep, string Indicator), (string[] Rules, string Draft)> Anomalies { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        (Db, Host) = await AnomalySeed.CreateAsync("sr_anomaly");
        Anomalies = await AnomalySeed.AnomaliesAsync(Db);
    }

    public async Task DisposeAsync()
    {
        Host.Dispose();
        await Db.DisposeAsync();
    }
}

public sealed class AnomalyTests(AnomalyFixture fixture) : IClassFixture<AnomalyFixture>
{
    [Theory]
    [InlineData("R2", "revenue", "completion")]          // 79.9 / 100
    [InlineData("R1", "revenue", null)]                  // 80.0 / 100: not below 80
    [InlineData("R3", "revenue", "mom")]                 // 100 → 90: −10%
    [InlineData("R4", "revenue", null)]                  // 100 → 90.1: −9.9%
    [InlineData("R5", "collection_rate", "mom")]         // 80% → 75%: −5 pp (only −6.25% relative)
    [InlineData("R6", "collection_rate", null)]          // 30% → 26%: −4 pp (−13.3% relative)
    [InlineData("R7", "negotiation_cycle", "mom")]       // 10 → 11 days: +10% on a lower-is-better indicator
    [InlineData("R8", "negotiation_cycle", null)]        // 10 → 9 days: −10% is an improvement
    [InlineData("R9", "customer_satisfaction", "zscore")]  // 4, 3, 4, 3 → 5: z = 2.6
    [InlineData("R12", "customer_satisfaction", "zscore")] // 1, 1, 1, 3 → 3.5: z = 2 exactly
    [InlineData("R11", "customer_satisfaction", null)]     // 4, 3, 4, 3 → 4.6: z = 1.9
    [InlineData("R10", "customer_satisfaction", null)]     // z = 2.3, but only 3 months behind it
    public void Each_rule_fires_at_its_threshold_and_not_short_of_it(string rep, string indicator, string? rule)
    {
        if (rule is null) Assert.False(fixture.Anomalies.ContainsKey((rep, indicator)), $"{rep} {indicator} should not be flagged");
        else Assert.Equal([rule], fixture.Anomalies[(rep, indicator)].Rules);
    }

    [Theory]
    [InlineData("D1", "collection_rate", "客户B 未回款 15.0 万元，占应收 68%；客户C 未回款 1.0 万元，占应收 5%")]
    [InlineData("D7", "collection_rate", "Customer B unpaid 15.0 CNY 10k, 68% of receivables; Customer C unpaid 1.0 CNY 10k, 5% of receivables")]
    [InlineData("D8", "collection_rate", "客戶B 未回款 15.0 萬元，占應收 68%；客戶C 未回款 1.0 萬元，占應收 5%")]
    [InlineData("D2", "revenue", "客户A 开票 2.0 万元，较上月减少 8.0 万元；客户D 开票 0.0 万元，较上月减少 3.0 万元")]
    [InlineData("D3", "new_customers", "线索 20 条，转化 3 条")]
    [InlineData("D3", "lead_conversion", "有效线索 20 条，转化 3 条")]
    [InlineData("D4", "visits", "拜访 4 次（上月 6 次），覆盖客户 3 家")]
    [InlineData("D4", "effective_visits", "拜访 4 次，其中有效 1 次，不足 10 分钟 2 次，未见决策人 1 次，未明确需求 1 次")]
    [InlineData("D4", "proposals", "提交方案 1 份（上月 3 份），本月拜访 4 次")]
    [InlineData("D4", "demo_count", "实际 1，目标 4，完成率 25.0%")]
    [InlineData("D5", "negotiation_cycle", "谈判最慢：客户X 40.0 天，客户Y 20.0 天")]
    [InlineData("D5", "avg_order_value", "成交 3 单，合计 18.0 万元，最小一单 客户Z 2.0 万元")]
    [InlineData("D6", "gross_margin", "毛利率最低：客户P 5.0%（开票 10.0 万元）；客户Q 20.0%（开票 5.0 万元）")]
    [InlineData("D6", "customer_satisfaction", "低分：客户P 2 分，客户Q 3 分（共 4 份问卷）")]
    public void Each_draft_names_its_drivers_in_the_team_locale(string rep, string indicator, string draft)
    {
        Assert.True(fixture.Anomalies.TryGetValue((rep, indicator), out var anomaly), $"{rep} {indicator} should be flagged");
        Assert.Equal(draft, anomaly.Draft);
    }

    [Fact]
    public void A_flag_with_no_drivers_to_name_gets_the_generic_draft_and_a_flat_indicator_is_not_flagged()
    {
        // R9's satisfaction was flagged by its z-score alone; every October survey scored 5, so there is no low score to name.
        Assert.Equal("实际 5.0 分", fixture.Anomalies[("R9", "customer_satisfaction")].Draft);
        // R3's revenue fell with one customer: the MoM draft names it.
        Assert.Equal("客户K 开票 90.0 万元，较上月减少 10.0 万元", fixture.Anomalies[("R3", "revenue")].Draft);
        // R1's visits are 0 every month: no completion, no MoM (previous 0), no spread for a z-score.
        Assert.False(fixture.Anomalies.ContainsKey(("R1", "visits")));
    }

    [Fact]
    public async Task The_form_marks_flagged_lines_and_shows_a_persons_reason_instead_of_the_draft()
    {
        await using (var conn = await fixture.Db.Databases.Reporting.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                insert into reporting.anomaly_reason(period, rep_id, indicator, reason, written_by)
                values ('2026-10-01', 'D1', 'collection_rate', '客户B 资金紧张，已约定 11 月 15 日前付清', 'wang@x.example')
                """);
        var forms = await fixture.Host.Services.GetRequiredService<FormQuery>().LoadAsync(AnomalySeed.October, ["D1", "D2", "R1"], default);
        IndicatorLine Line(string rep, string code) => forms.Single(f => f.Rep.RepId == rep).Indicators.Single(i => i.Code == code);

        Assert.True(Line("D1", "collection_rate").IsAnomaly);
        Assert.Equal("客户B 资金紧张，已约定 11 月 15 日前付清", Line("D1", "collection_rate").AnomalyReason);
        Assert.True(Line("D2", "revenue").IsAnomaly);
        Assert.Equal("客户A 开票 2.0 万元，较上月减少 8.0 万元；客户D 开票 0.0 万元，较上月减少 3.0 万元", Line("D2", "revenue").AnomalyReason);
        Assert.False(Line("R1", "revenue").IsAnomaly);
        Assert.Null(Line("R1", "revenue").AnomalyReason);
    }
}

/// <summary>Recomputing a month replaces its anomalies; it never adds to them.</summary>
public sealed class AnomalyRecomputeTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private IHost host = null!;

    public async Task InitializeAsync() => (db, host) = await AnomalySeed.CreateAsync("sr_anomaly_rerun");

    public async Task DisposeAsync()
    {
        host.Dispose();
        await db.DisposeAsync();
    }

    [Fact]
    public async Task Recomputing_a_month_replaces_its_anomalies_and_drops_one_that_no_longer_fires()
    {
        var before = await AnomalySeed.AnomaliesAsync(db);
        Assert.Equal(["completion"], before[("R2", "revenue")].Rules);
        await using (var conn = await db.Databases.Reporting.OpenConnectionAsync())
            await conn.ExecuteAsync("update reporting.target set target = 99 where rep_id = 'R2' and indicator = 'revenue'"); // 79.9 / 99 = 80.7%

        var result = await host.Services.GetRequiredService<IndicatorCompute>().ComputeAsync(AnomalySeed.October, default);

        var after = await AnomalySeed.AnomaliesAsync(db);
        Assert.False(after.ContainsKey(("R2", "revenue")));
        Assert.Equal(before.Count - 1, after.Count);
        Assert.Equal(after.Count, result.Derived!.Anomalies);
        Assert.Equal(before[("D1", "collection_rate")].Rules, after[("D1", "collection_rate")].Rules);
        Assert.Equal(before[("D1", "collection_rate")].Draft, after[("D1", "collection_rate")].Draft);
    }
}
