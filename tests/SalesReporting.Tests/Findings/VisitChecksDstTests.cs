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
        await using var crm = await db.Databases.Crm.OpenConnectionAsync();
        await crm.ExecuteAsync("""
            insert into crm.teams(team_id, name, region, manager_name, manager_email, locale) values ('T1', '一组', '华东', '王经理', 'wang@x.example', 'zh-CN');
            insert into crm.reps(rep_id, team_id, name, email, hire_date, active) values
              ('R1', 'T1', '甲', 'r1@x.example', '2020-01-01', true), ('R2', 'T1', '乙', 'r2@x.example', '2020-01-01', true);
            insert into crm.customers(customer_id, name, industry, segment, owner_rep_id) values ('C1', '甲公司', '制造业', 'standard', 'R1');
            """);
        // R1, 20 minutes each: on November 1 two visits in the first 01:xx hour (EDT), two in the second (EST),
        // seven more on the hour from 03:00, and one at 23:50 EST, which is already 04:50 UTC on November 2:
        // 13 in one local day. October 31 at 23:30 belongs to October; November 2 has 12, not too many.
        var rows = new List<string>
        {
            "('N01', 'R1', 'C1', 'visit', '2026-11-01 00:10-04', 20)",
            "('N02', 'R1', 'C1', 'visit', '2026-11-01 01:10-04', 20)",
            "('N03', 'R1', 'C1', 'visit', '2026-11-01 01:40-04', 20)",
            "('N04', 'R1', 'C1', 'visit', '2026-11-01 01:10-05', 20)",
            "('N05', 'R1', 'C1', 'visit', '2026-11-01 01:40-05', 20)",
            "('NLATE', 'R1', 'C1', 'visit', '2026-11-01 23:50-05', 5)",
            "('OCT', 'R1', 'C1', 'visit', '2026-10-31 23:30-04', 20)",
            // R2: V1 starts at 01:30 EDT and runs 60 minutes, to 01:30 EST; V2 starts at 01:15 EST, inside it.
            "('V1', 'R2', 'C1', 'visit', '2026-11-01 01:30-04', 60)",
            "('V2', 'R2', 'C1', 'visit', '2026-11-01 01:15-05', 20)",
        };
        for (var h = 3; h <= 9; h++) rows.Add($"('N{h + 3:D2}', 'R1', 'C1', 'visit', '2026-11-01 {h:D2}:00-05', 20)");
        for (var h = 8; h < 20; h++) rows.Add($"('D{h:D2}', 'R1', 'C1', 'visit', '2026-11-02 {h:D2}:00-05', 20)");
        await crm.ExecuteAsync("insert into crm.activities(activity_id, rep_id, customer_id, kind, occurred_at, duration_minutes) values "
                               + string.Join(",\n", rows));
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
