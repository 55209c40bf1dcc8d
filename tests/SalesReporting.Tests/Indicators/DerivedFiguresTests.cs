using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SalesReporting.Data;
using SalesReporting.Data.Findings;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Sources;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Indicators;

/// <summary>
/// Rep scores and tiers, weight-set warnings and team-wide issues from October revenue and visits.
/// Team T (zh-CN, company default weights): T1 150 against 100 and 6 of 10 visits, T2 75, T3 100, T4 70, T5
/// inactive. Team U (en, its own weights 30/25/20 for revenue / new customers / collection): U1 50, U2 150, U3
/// without a target. Team V (zh-CN, default weights): V1 80, V2 85, V3 50.
/// </summary>
public sealed class DerivedFiguresTests() : HostedDatabaseTest("sr_derived", new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.GetTempPath() })
{
    private static readonly Period October = new(2026, 10);

    protected override async Task SeedAsync()
    {
        var revenue = new Dictionary<string, int>
        {
            ["T1"] = 150, ["T2"] = 75, ["T3"] = 100, ["T4"] = 70, ["T5"] = 10, ["U1"] = 50, ["U2"] = 150, ["U3"] = 40, ["V1"] = 80, ["V2"] = 85, ["V3"] = 50,
        };
        var seed = new Seed(db.Databases)
            .Team("T", "一组", "华东", "王经理", "wang@x.example", "zh-CN")
            .Team("U", "North", "North", "Smith", "smith@x.example", "en")
            .Team("V", "三组", "华南", "李经理", "li@x.example", null)
            .Customer("K", "客户K");
        // Each rep in the team its id starts with; T5 inactive.
        foreach (var r in revenue.Keys) seed.Rep(r, r[..1], r, active: r != "T5");
        At october1 = "2026-10-01 10:00+08";
        for (var n = 1; n <= 6; n++) seed.Activity($"A{n}", "T1", "K", "visit", october1.AddDays(n), subject: "visit");
        foreach (var (rep, wan) in revenue) seed.Invoice($"I{rep}", "K", rep, "2026-10-05", "2026-12-31", wan * 10000);
        await seed.WriteAsync();
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        await new Seed(db.Databases)
            .Targets("2026-10-01", "revenue", 100, "T1", "T2", "T3", "T4", "T5", "U1", "U2", "V1", "V2", "V3")
            .Target("T1", "2026-10-01", "visits", 10)
            .Weight("U", "revenue", 30).Weight("U", "new_customers", 25).Weight("U", "collection_rate", 20)
            .WriteAsync();
    }

    private Task<ComputeResult> ComputeAsync() => host.Services.GetRequiredService<IndicatorCompute>().ComputeAsync(October, default);

    private async Task<Dictionary<string, (decimal? Score, string? Tier)>> ScoresAsync()
    {
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        return (await conn.QueryAsync<(string RepId, decimal? Score, string? Tier)>("select rep_id, score, tier from reporting.rep_score where period = '2026-10-01'"))
            .ToDictionary(s => s.RepId, s => (s.Score is { } v ? Math.Round(v, 4) : (decimal?)null, s.Tier));
    }

    private async Task<List<(string TeamId, string Kind, string? Indicator, string? Subject, string Detail)>> FindingsAsync()
    {
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        return (await conn.QueryAsync<(string, string, string?, string?, string)>(
            "select team_id, kind, indicator, subject, detail from reporting.finding where period = '2026-10-01' order by team_id, kind, indicator, subject")).ToList();
    }

    [Fact]
    public async Task Every_active_rep_gets_a_capped_weighted_score_and_tier_with_team_weights_or_the_company_default()
    {
        await ComputeAsync();
        var scores = await ScoresAsync();
        // Default weights: revenue 25, visits 10 → (25·min(150, 120) + 10·60) / 35.
        Assert.Equal((102.8571m, "high"), scores["T1"]);
        Assert.Equal((75m, "improve"), scores["T2"]);
        Assert.Equal((100m, "high"), scores["T3"]);        // exactly 100 is high
        Assert.Equal((80m, "on_track"), scores["V1"]);     // exactly 80 is on track
        Assert.Equal((120m, "high"), scores["U2"]);        // team U's own weights; only revenue has a completion, capped at 120
        Assert.Equal((50m, "improve"), scores["U1"]);
        Assert.Equal((null, null), scores["U3"]);          // no weighted completion: no score, no tier
        Assert.False(scores.ContainsKey("T5"));            // inactive
        Assert.Equal(10, scores.Count);
    }

    [Fact]
    public async Task The_score_cap_comes_from_the_settings()
    {
        await using (var conn = await db.Databases.Reporting.OpenConnectionAsync())
            await conn.ExecuteAsync("update reporting.setting set value = '150' where key = 'score_cap'");
        await ComputeAsync();
        var scores = await ScoresAsync();
        Assert.Equal((124.2857m, "high"), scores["T1"]);   // (25·150 + 10·60) / 35
        Assert.Equal((150m, "high"), scores["U2"]);
        // The form shows the stored score, not one worked out again with another cap.
        var form = Assert.Single(await host.Services.GetRequiredService<SalesReporting.Reports.Forms.FormQuery>().LoadAsync(October, ["T1"], default));
        Assert.Equal((124.2857m, "high"), (Math.Round(form.Score.Score!.Value, 4), form.Score.Tier));
    }

    [Fact]
    public async Task The_template_example_weights_30_25_20_raise_both_warnings_and_the_shipped_default_raises_none()
    {
        var result = await ComputeAsync();

        Assert.Equal(
            [new ConfigWarning("U", "U", "weight_sum", 75), new ConfigWarning("U", "U", "process_weight", 0)],
            result.Derived!.Warnings);
        Assert.Contains("team U: team weights sum to 75, not 100", result.ToString(), StringComparison.Ordinal);
        var warnings = (await FindingsAsync()).Where(f => f.Kind == "config_warning").ToList();
        Assert.Equal(
            [("U", "config_warning", null, "process_weight", "Process indicators weigh 0 in total, below 40 (team weights)"),
             ("U", "config_warning", null, "weight_sum", "Indicator weights sum to 75, not 100 (team weights)")],
            warnings);
    }

    [Fact]
    public async Task Teams_on_the_company_default_get_its_warnings_in_their_own_locale()
    {
        await using (var conn = await db.Databases.Reporting.OpenConnectionAsync())
            await conn.ExecuteAsync("delete from reporting.indicator_weight where team_id in ('*', 'U')");
        await new Seed(db.Databases).Weight("*", "revenue", 30).Weight("*", "new_customers", 25).Weight("*", "collection_rate", 20).WriteAsync();
        var result = await ComputeAsync();

        Assert.Equal(["T", "U", "V"], result.Derived!.Warnings.Select(w => w.TeamId).Distinct());
        Assert.All(result.Derived.Warnings, w => Assert.Equal("*", w.WeightSet));
        var warnings = (await FindingsAsync()).Where(f => f.Kind == "config_warning").Select(f => (f.TeamId, f.Detail)).ToList();
        Assert.Equal(
            [("T", "过程指标权重合计 0，低于 40（公司默认权重）"), ("T", "指标权重合计 75，应为 100（公司默认权重）"),
             ("U", "Process indicators weigh 0 in total, below 40 (company default weights)"), ("U", "Indicator weights sum to 75, not 100 (company default weights)"),
             ("V", "过程指标权重合计 0，低于 40（公司默认权重）"), ("V", "指标权重合计 75，应为 100（公司默认权重）")],
            warnings);
    }

    [Fact]
    public async Task A_team_issue_needs_at_least_half_of_the_reps_with_a_completion_below_80()
    {
        await ComputeAsync();
        var issues = (await FindingsAsync()).Where(f => f.Kind == "team_issue").Select(f => (f.TeamId, f.Indicator, f.Detail)).ToList();
        Assert.Equal(
            [("T", "revenue", "销售额：4 名代表中 2 名完成率低于 80%"),     // T2 75 and T4 70: exactly half
             ("T", "visits", "客户拜访量：1 名代表中 1 名完成率低于 80%"),   // only T1 has a visits target
             ("U", "revenue", "Revenue: 1 of 2 reps below 80% completion")], // U3 has no target, so 1 of the 2 with one
            issues);
        // V: only V3 of 3 is below (V1 at exactly 80 is not): no issue.
    }

    [Fact]
    public async Task Recomputing_replaces_the_months_scores_and_findings()
    {
        await ComputeAsync();
        await using (var conn = await db.Databases.Reporting.OpenConnectionAsync())
            await conn.ExecuteAsync("update reporting.target set target = 60 where indicator = 'revenue' and rep_id in ('T2', 'T4')");
        await ComputeAsync();
        var findings = await FindingsAsync();
        Assert.DoesNotContain(findings, f => f.TeamId == "T" && f.Indicator == "revenue");
        Assert.Equal(2, findings.Count(f => f.Kind == "config_warning"));
        Assert.Equal((120m, "high"), (await ScoresAsync())["T2"]);   // 75 / 60 = 125%, capped
        await using var check = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(10L, await check.ExecuteScalarAsync<long>("select count(*) from reporting.rep_score where period = '2026-10-01'"));
    }
}
