using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SalesReporting.Data;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Sources;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Indicators;

/// <summary>
/// Q3 2026 from July, August and September computed from source rows. R1 collects 90%, 50% and 100% of
/// 10, 30 and 10 万元 due (the mean of the monthly rates is 80%; the quarter's rate is 34 / 50 = 68%).
/// R2's deals take 10 days in July and 20 and 40 days in August (monthly means 10 and 30; the quarter's mean is 70 / 3).
/// </summary>
public sealed class IndicatorRollupTests() : HostedDatabaseTest("sr_rollup", new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.GetTempPath() })
{

    protected override async Task SeedAsync()
    {
        await new Seed(db.Databases)
            .Team("T", "一组", "华东", "王经理", "wang@x.example", "zh-CN")
            .Rep("R1", "T", "甲", "r1@x.example").Rep("R2", "T", "乙", "r2@x.example")
            .Customer("A", "客户A").Customer("B", "客户B").Customer("C", "客户C")
            .Opportunity("O1", "R2", "A", 10000, "2026-07-01 10:00+08", "2026-07-11 10:00+08")
            .Opportunity("O2", "R2", "B", 10000, "2026-07-21 10:00+08", "2026-08-10 10:00+08")
            .Opportunity("O3", "R2", "C", 10000, "2026-07-10 10:00+08", "2026-08-19 10:00+08")
            .Invoice("I1", "A", "R1", "2026-07-01", "2026-07-20", 100000)
            .Invoice("I2", "A", "R1", "2026-08-01", "2026-08-20", 300000)
            .Invoice("I3", "A", "R1", "2026-09-01", "2026-09-20", 100000)
            .Invoice("I4", "B", "R2", "2026-07-01", "2026-12-31", 200000)
            .Payment("P1", "I1", "2026-07-25", 90000).Payment("P2", "I2", "2026-08-25", 150000).Payment("P3", "I3", "2026-09-25", 100000)
            .WriteAsync();
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        await new Seed(db.Databases)
            .Target("R1", "2026-07-01", "collection_rate", 90).Target("R1", "2026-08-01", "collection_rate", 80).Target("R1", "2026-09-01", "collection_rate", 100)
            .Target("R1", "2026-07-01", "revenue", 10).Target("R1", "2026-08-01", "revenue", 20).Target("R1", "2026-09-01", "revenue", 10)
            .Target("R2", "2026-07-01", "revenue", 25)
            .Target("R2", "2026-07-01", "negotiation_cycle", 12).Target("R2", "2026-08-01", "negotiation_cycle", 24)
            .WriteAsync();
        var compute = host.Services.GetRequiredService<IndicatorCompute>();
        foreach (var month in new[] { 7, 8, 9 }) await compute.ComputeAsync(new Period(2026, month), default);
    }

    private async Task<Dictionary<(string, string), RollupLine>> LoadAsync(string period, IReadOnlyCollection<string>? reps = null) =>
        (await host.Services.GetRequiredService<IndicatorRollup>().LoadAsync(RollupPeriod.Parse(period), reps, default))
        .ToDictionary(l => (l.RepId, l.Indicator));

    private static (int, decimal?, decimal?, decimal?) Figures(RollupLine l) =>
        (l.Months, R(l.Actual), R(l.Target), R(l.Completion));

    private static decimal? R(decimal? v) => v is { } d ? Math.Round(d, 4) : null;

    [Fact]
    public async Task A_quarters_rate_is_total_collected_over_total_due_not_the_mean_of_monthly_rates()
    {
        var q3 = await LoadAsync("2026-Q3");
        // 34 / 50 = 68% (the monthly rates average 80%). Target: the monthly targets weighted by what was due,
        // (90·10 + 80·30 + 100·10) / 50 = 86%; completion 68 / 86 = 79.0698%.
        Assert.Equal((3, 68m, 86m, 79.0698m), Figures(q3[("R1", "collection_rate")]));
        // Amounts add up: 10 + 30 + 10 against 10 + 20 + 10.
        Assert.Equal((3, 50m, 40m, 125m), Figures(q3[("R1", "revenue")]));
    }

    [Fact]
    public async Task A_quarters_mean_is_recomputed_from_the_deals_and_lower_is_better_completion_is_target_over_actual()
    {
        var line = (await LoadAsync("2026-Q3"))[("R2", "negotiation_cycle")];
        // (10 + 20 + 40) / 3 deals = 23.3333 days, not (10 + 30) / 2 = 20; September has no deal and no value.
        // Target weighted by deals: (12·1 + 24·2) / 3 = 20 days; completion 20 / 23.3333 = 85.7143%.
        Assert.Equal((2, 23.3333m, 20m, 85.7143m), Figures(line));
    }

    [Fact]
    public async Task A_month_without_a_target_leaves_the_quarter_without_one()
    {
        var line = (await LoadAsync("2026-Q3", ["R2"]))[("R2", "revenue")];
        Assert.Equal((3, 20m, null, null), Figures(line));   // July has 25, August and September none
    }

    [Fact]
    public async Task A_year_rolls_up_the_months_it_has_and_a_rep_filter_returns_only_those_reps()
    {
        var year = await LoadAsync("2026", ["R1"]);
        Assert.All(year.Keys, k => Assert.Equal("R1", k.Item1));
        Assert.Equal((3, 68m, 86m, 79.0698m), Figures(year[("R1", "collection_rate")]));
        Assert.Empty(await LoadAsync("2026-Q1"));
    }

    [Theory]
    [InlineData("2026-Q3", 2026, 7, 2026, 9)]
    [InlineData("2026-q1", 2026, 1, 2026, 3)]
    [InlineData("2026", 2026, 1, 2026, 12)]
    public void Quarters_and_years_parse_to_their_months(string text, int fy, int fm, int ly, int lm)
    {
        var p = RollupPeriod.Parse(text);
        Assert.Equal((new Period(fy, fm), new Period(ly, lm)), (p.First, p.Last));
    }

    [Theory]
    [InlineData("2026-Q5")]
    [InlineData("2026-10")]
    [InlineData("26-Q1")]
    [InlineData("")]
    public void Anything_else_is_rejected_with_the_expected_forms(string text)
    {
        var ex = Assert.Throws<FormatException>(() => RollupPeriod.Parse(text));
        Assert.Contains("YYYY-Qn", ex.Message, StringComparison.Ordinal);
    }
}
