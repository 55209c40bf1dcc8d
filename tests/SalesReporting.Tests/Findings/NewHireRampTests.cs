using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SalesReporting.Data;
using SalesReporting.Data.Sources;
using SalesReporting.Reports.Forms;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Findings;

/// <summary>
/// New-hire ramp 新人爬坡: N1, hired 2026-08-10, is in tenure month 3 in October 2026. Its teammates'
/// own month 3 is 2025-03 (P1), 2025-08 (P2), 2024-04 (P3) and 2023-03 (P4, older than the stored history).
/// </summary>
public sealed class NewHireRampTests() : HostedDatabaseTest("sr_find_ramp", new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.GetTempPath() },
    new FixedClock(new DateTimeOffset(2026, 11, 1, 6, 0, 0, TimeSpan.FromHours(8))))
{
    private static readonly Period October = new(2026, 10);

    protected override async Task SeedAsync()
    {
        // 2026-10-31 − 180 days = 2026-05-04: hired that day is no longer new, the day after is.
        await new Seed(db.Databases)
            .Team("T1", "一组", "华东", "王经理", "wang@x.example", "zh-CN")
            .Team("T2", "Team Two", "North", "Ms Lee", "lee@x.example", "en")
            .Team("T3", "三组", "华南", "赵经理", "zhao@x.example", "zh-TW")
            .Rep("N1", "T1", "新人甲", "n1@x.example", "2026-08-10")
            .Rep("P1", "T1", "老甲", "p1@x.example", "2025-01-05")
            .Rep("P2", "T1", "老乙", "p2@x.example", "2025-06-20")
            .Rep("P3", "T1", "老丙", "p3@x.example", "2024-02-01", false)
            .Rep("P4", "T1", "老丁", "p4@x.example", "2023-01-01")
            .Rep("X1", "T2", "Other team", "x1@x.example", "2025-01-05")
            .Rep("N2", "T2", "New Bob", "n2@x.example", "2026-05-05")
            .Rep("OLD", "T3", "舊人", "old@x.example", "2026-05-04")
            .Customer("C1", "甲公司", "制造业", "standard", "N1")
            // Only a duration: no decision maker, need or subject recorded.
            .Activity("A1", "N1", "C1", "visit", "2026-10-05 10:00+08", 30, decisionMaker: null, need: null)
            .Activity("A2", "N1", "C1", "visit", "2026-10-06 10:00+08", 30, decisionMaker: null, need: null)
            .Invoice("I1", "C1", "N1", "2026-10-10", "2026-11-10", 50000)
            .WriteAsync();
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        // The stored history: each teammate's own month 3, plus months that must not be taken instead.
        await new Seed(db.Databases)
            .Value("2025-03-01", "P1", "revenue", 4).Value("2025-03-01", "P1", "visits", 20)
            .Value("2025-08-01", "P2", "revenue", 10).Value("2025-08-01", "P2", "visits", 30)
            .Value("2025-09-01", "P2", "revenue", 100)
            .Value("2024-04-01", "P3", "revenue", 7)
            .Value("2025-03-01", "X1", "revenue", 1000)
            .WriteAsync();
    }

    [Fact]
    public async Task The_median_is_over_the_teammates_at_their_own_same_tenure_month()
    {
        await FindingRows.ComputeAsync(host, October);
        // Revenue: median of 4, 7, 10 = 7 (P4 has no history, X1 is another team). Visits: mean of 20 and 30 = 25.
        Assert.Equal(
        [
            new("T1", "N1", null, "入职第3个月：销售额 5.0 万元，团队同期中位数 7.0 万元（3 人）；客户拜访量 2 次，团队同期中位数 25 次（2 人）"),
            new FindingRow("T2", "N2", null, "month 6 since hire: revenue 0.0 (CNY 10k); no team history at this tenure; visits 0; no team history at this tenure"),
        ], await FindingRows.ReadAsync(db, October, "new_hire_ramp"));

        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        var figures = (await conn.QueryAsync<(string, string, int, decimal?, decimal?, int)>(
            "select rep_id, indicator, tenure_month, actual, team_median, team_reps from reporting.new_hire_ramp where period = '2026-10-01' order by rep_id, indicator")).ToList();
        Assert.Equal([("N1", "revenue", 3, 5m, 7m, 3), ("N1", "visits", 3, 2m, 25m, 2), ("N2", "revenue", 6, 0m, null, 0), ("N2", "visits", 6, 0m, null, 0)],
            figures.Select(f => (f.Item1, f.Item2, f.Item3, f.Item4 is { } a ? decimal.Round(a, 4) : (decimal?)null, f.Item5 is { } m ? decimal.Round(m, 4) : (decimal?)null, f.Item6)));
    }

    [Fact]
    public async Task The_new_hires_form_shows_the_team_median_at_the_same_tenure_month()
    {
        await FindingRows.ComputeAsync(host, October);
        var forms = await host.Services.GetRequiredService<FormQuery>().LoadAsync(October, ["N1", "N2", "P1"], default);
        var n1 = forms.Single(f => f.Rep.RepId == "N1").Rep;
        Assert.Equal((true, 3, 7m, 3), (n1.IsNewHire, n1.TenureMonth, n1.TeamMedianAtTenure, n1.TeamMedianReps));
        var p1 = forms.Single(f => f.Rep.RepId == "P1").Rep;
        Assert.Equal((false, (decimal?)null, (int?)null), (p1.IsNewHire, p1.TeamMedianAtTenure, p1.TeamMedianReps));

        await using var html = new FormHtml();
        Assert.Contains("团队同期（入职第3个月）销售额中位数 7 万元（3 人）", await html.RenderAsync(forms.Single(f => f.Rep.RepId == "N1")), StringComparison.Ordinal);
        Assert.Contains("No team history for month 6 since hire", await html.RenderAsync(forms.Single(f => f.Rep.RepId == "N2")), StringComparison.Ordinal);
        Assert.DoesNotContain("销售额中位数", await html.RenderAsync(forms.Single(f => f.Rep.RepId == "P1")), StringComparison.Ordinal);
    }
}
