using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SalesReporting.Data;
using SalesReporting.Data.Sources;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Findings;

/// <summary>
/// The visit checks in a company whose clocks go back inside the month: America/New_York, where
/// 2026-11-01 has 25 hours (01:00–02:00 happens twice, first at −04:00, then at −05:00).
/// </summary>
public sealed class VisitChecksDstTests() : HostedDatabaseTest("sr_find_dst", new Dictionary<string, string?>
        {
            ["Mail:PickupDirectory"] = Path.GetTempPath(),
            ["Company:TimeZone"] = "America/New_York",
        })
{
    private static readonly Period November = new(2026, 11);

    protected override async Task SeedAsync()
    {
        var seed = new Seed(db.Databases)
            .Team("T1", "一组", "华东", "王经理", "wang@x.example", "zh-CN")
            .Rep("R1", "T1", "甲", "r1@x.example").Rep("R2", "T1", "乙", "r2@x.example")
            .Customer("C1", "甲公司", "制造业", "standard", "R1");
        // Only a duration: no decision maker, need or subject recorded.
        Seed Visit(string id, string rep, At at, int minutes) => seed.Activity(id, rep, "C1", "visit", at, minutes, decisionMaker: null, need: null);
        // R1, 20 minutes each: on November 1 two visits in the first 01:xx hour (EDT), two in the second (EST),
        // seven more on the hour from 03:00, and one at 23:50 EST, which is already 04:50 UTC on November 2:
        // 13 in one local day. October 31 at 23:30 belongs to October; November 2 has 12, not too many.
        Visit("N01", "R1", "2026-11-01 00:10-04", 20);
        Visit("N02", "R1", "2026-11-01 01:10-04", 20);
        Visit("N03", "R1", "2026-11-01 01:40-04", 20);
        Visit("N04", "R1", "2026-11-01 01:10-05", 20);
        Visit("N05", "R1", "2026-11-01 01:40-05", 20);
        Visit("NLATE", "R1", "2026-11-01 23:50-05", 5);
        Visit("OCT", "R1", "2026-10-31 23:30-04", 20);
        // R2: V1 starts at 01:30 EDT and runs 60 minutes, to 01:30 EST; V2 starts at 01:15 EST, inside it.
        Visit("V1", "R2", "2026-11-01 01:30-04", 60);
        Visit("V2", "R2", "2026-11-01 01:15-05", 20);
        for (var h = 3; h <= 9; h++) Visit($"N{h + 3:D2}", "R1", $"2026-11-01 {h:D2}:00-05", 20);
        for (var h = 8; h < 20; h++) Visit($"D{h:D2}", "R1", $"2026-11-02 {h:D2}:00-05", 20);
        await seed.WriteAsync();
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
    }

    [Fact]
    public async Task Local_days_and_times_follow_the_clock_change()
    {
        await FindingRows.ComputeAsync(host, November);
        Assert.Equal(
        [
            new FindingRow("T1", "R1", "N01", "2026-11-01 一天记录 13 次拜访（超过12次）"),
            new FindingRow("T1", "R2", "V2", "拜访 V2（甲公司，2026-11-01 01:15）开始时，拜访 V1（甲公司，01:30 起 60 分钟）尚未结束"),
        ], await FindingRows.ReadAsync(db, November, "authenticity"));
    }
}
