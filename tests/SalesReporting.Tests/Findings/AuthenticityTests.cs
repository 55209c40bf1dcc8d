using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SalesReporting.Data;
using SalesReporting.Data.Sources;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Findings;

/// <summary>Data authenticity checks 數據真實性 for October 2026, each with a case that must not fire.</summary>
public sealed class AuthenticityTests() : HostedDatabaseTest("sr_find_auth", new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.GetTempPath() })
{
    private static readonly Period October = new(2026, 10);

    protected override async Task SeedAsync()
    {
        var seed = new Seed(db.Databases)
            .Team("T1", "一组", "华东", "王经理", "wang@x.example", "zh-CN")
            .Rep("R1", "T1", "甲", "r1@x.example").Rep("R2", "T1", "乙", "r2@x.example").Rep("R3", "T1", "丙", "r3@x.example")
            .Customer("C1", "甲公司", "制造业", "standard", "R1").Customer("C2", "乙公司", "零售业", "standard", "R1").Customer("C3", "丙公司", "科技业", "standard", "R2")
            // Won 2026-08-20 (local): day 60 is 2026-10-19, so October judges them.
            .Opportunity("ONO", "R1", "C1", 80000, null, "2026-08-20 10:00+08")
            .Opportunity("ODAY60", "R1", "C1", 10000, null, "2026-08-20 10:00+08")
            .Opportunity("ODAY61", "R1", "C2", 20000, null, "2026-08-20 10:00+08")
            .Opportunity("OUNLINKED", "R2", "C3", 30000, null, "2026-08-25 10:00+08")
            .Opportunity("ORECENT", "R2", "C3", 40000, null, "2026-10-05 10:00+08")
            .Opportunity("OOPEN", "R2", "C3", 50000, null, null, "open");
        // R1: visits without duration (null twice, 0 once); a call without one is no visit.
        // R2: 13 visits on 2026-10-15 and 12 on 2026-10-16, one of them at 00:10 local (16:10 UTC on the 15th).
        // R3: V2 starts inside V1; V3 starts as V1 and V2 end (no overlap); V5 and V6 both start inside the long V4.
        var activities = new List<(string Id, string Rep, string Customer, string Kind, string At, int? Minutes)>
        {
            ("VN1", "R1", "C1", "visit", "2026-10-03 10:00+08", null),
            ("VN2", "R1", "C1", "visit", "2026-10-04 10:00+08", null),
            ("VN0", "R1", "C2", "visit", "2026-10-05 10:00+08", 0),
            ("CALL", "R1", "C2", "call", "2026-10-06 10:00+08", null),
            ("VSEP", "R1", "C2", "visit", "2026-09-30 10:00+08", null),
            ("B16_01", "R2", "C3", "visit", "2026-10-16 00:10+08", 20),
            ("V1", "R3", "C1", "visit", "2026-10-20 10:00+08", 60),
            ("V2", "R3", "C2", "visit", "2026-10-20 10:30+08", 30),
            ("V3", "R3", "C1", "visit", "2026-10-20 11:00+08", 30),
            ("V4", "R3", "C1", "visit", "2026-10-20 14:00+08", 180),
            ("V5", "R3", "C2", "visit", "2026-10-20 15:00+08", 20),
            ("V6", "R3", "C3", "visit", "2026-10-20 16:00+08", 20),
        };
        for (var i = 0; i < 13; i++)
            activities.Add(($"B15_{i + 1:D2}", "R2", "C3", "visit", $"2026-10-15 {8 + i / 2:D2}:{i % 2 * 30:D2}+08", 20));
        for (var i = 0; i < 11; i++)
            activities.Add(($"B16_{i + 2:D2}", "R2", "C3", "visit", $"2026-10-16 {8 + i / 2:D2}:{i % 2 * 30:D2}+08", 20));
        // Only a duration: no decision maker, need or subject recorded.
        foreach (var a in activities) seed.Activity(a.Id, a.Rep, a.Customer, a.Kind, a.At, a.Minutes, decisionMaker: null, need: null);
        await seed
            .Invoice("IDAY60", "C1", "R1", "2026-10-19", "2026-11-19", 10000, opportunity: "ODAY60")
            .Invoice("IDAY61", "C2", "R1", "2026-10-20", "2026-11-20", 20000, opportunity: "ODAY61")
            .Invoice("IVOID", "C1", "R1", "2026-09-01", "2026-10-01", 80000, 0, "void", "ONO")
            .Invoice("IUNLINKED", "C3", "R2", "2026-09-01", "2026-10-01", 30000)
            .Invoice("ICX", "CX", "R1", "2026-10-10", "2026-11-10", 12000)
            .Invoice("ICXSEP", "CX", "R1", "2026-09-10", "2026-10-10", 12000)
            .Invoice("INOCUST", null, "R2", "2026-10-13", "2026-11-13", 1000)
            .Invoice("IR9", "C1", "R9", "2026-10-11", "2026-11-11", 15000)
            .Invoice("IBOTH", "CZ", "R9", "2026-10-12", "2026-11-12", 5000)
            .WriteAsync();
        await using var fin = await db.Databases.Finance.OpenConnectionAsync();
        var sync = host.Services.GetRequiredService<SourceSync>();
        await sync.RunAsync(default);
        // A second sync quarantines the unknown-rep invoices again; each is still reported once.
        await fin.ExecuteAsync("update finance.invoices set updated_at = now() where rep_id = 'R9'");
        await sync.RunAsync(default);
    }

    [Fact]
    public async Task Each_check_finds_its_cases_and_only_those()
    {
        await FindingRows.ComputeAsync(host, October);
        Assert.Equal(
        [
            new("T1", "R1", "ODAY61", "商机 ODAY61（乙公司，2.0 万元）于 2026-08-20 赢单，60天内（至 2026-10-19）无发票"),
            new("T1", "R1", "ONO", "商机 ONO（甲公司，8.0 万元）于 2026-08-20 赢单，60天内（至 2026-10-19）无发票"),
            new("T1", "R1", "ICX", "发票 ICX（2026-10-10，1.2 万元）的客户 CX 在CRM中不存在"),
            new("T1", null, "IR9", "发票 IR9（2026-10-11，1.5 万元）的销售代表 R9 在CRM中不存在，未计入任何销售代表的业绩"),
            new("*", null, "IBOTH", "发票 IBOTH（2026-10-12，0.5 万元）的销售代表 R9 和客户 CZ 在CRM中均不存在，未计入任何销售代表的业绩"),
            new("T1", "R2", "INOCUST", "发票 INOCUST（2026-10-13，0.1 万元）未填写客户"),
            new("T1", "R1", "VN1", "3 次拜访未填写时长：VN1、VN2、VN0"),
            new("T1", "R2", "B15_01", "2026-10-15 一天记录 13 次拜访（超过12次）"),
            new("T1", "R3", "V2", "拜访 V2（乙公司，2026-10-20 10:30）开始时，拜访 V1（甲公司，10:00 起 60 分钟）尚未结束"),
            new("T1", "R3", "V5", "拜访 V5（乙公司，2026-10-20 15:00）开始时，拜访 V4（甲公司，14:00 起 180 分钟）尚未结束"),
            new FindingRow("T1", "R3", "V6", "拜访 V6（丙公司，2026-10-20 16:00）开始时，拜访 V4（甲公司，14:00 起 180 分钟）尚未结束"),
        ], await FindingRows.ReadAsync(db, October, "authenticity"));
    }

    [Fact]
    public async Task A_win_fewer_than_60_days_before_the_period_end_is_judged_in_the_month_its_window_closes()
    {
        await FindingRows.ComputeAsync(host, October);
        Assert.DoesNotContain(await FindingRows.ReadAsync(db, October, "authenticity"), f => f.Subject == "ORECENT");

        // Won 2026-10-05: day 60 is 2026-12-04.
        await FindingRows.ComputeAsync(host, new Period(2026, 11));
        Assert.DoesNotContain(await FindingRows.ReadAsync(db, new Period(2026, 11), "authenticity"), f => f.Subject == "ORECENT");
        var december = new Period(2026, 12);
        await FindingRows.ComputeAsync(host, december);
        Assert.Equal(
            [new FindingRow("T1", "R2", "ORECENT", "商机 ORECENT（丙公司，4.0 万元）于 2026-10-05 赢单，60天内（至 2026-12-04）无发票")],
            (await FindingRows.ReadAsync(db, december, "authenticity")).Where(f => f.Subject!.StartsWith('O')));
    }
}
