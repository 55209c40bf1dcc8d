using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Data.Findings;
using SalesReporting.Data.Sources;
using SalesReporting.Reports.Forms;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Findings;

/// <summary>
/// Key-account risks 重點客戶風險 at each rule's boundary, for October 2026 (period end 2026-10-31):
/// contract 89 days out fires and 91 does not; revenue at 69% of the trailing mean fires and 71% does
/// not; an invoice 31 days past due fires and 30 does not.
/// </summary>
public sealed class KeyAccountRiskTests() : HostedDatabaseTest("sr_find_risk", new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.GetTempPath() },
    new FixedClock(new DateTimeOffset(2026, 11, 1, 6, 0, 0, TimeSpan.FromHours(8))))
{
    private static readonly Period October = new(2026, 10);

    protected override async Task SeedAsync()
    {
        await new Seed(db.Databases)
            .Team("T1", "一组", "华东", "王经理", "wang@x.example", "zh-CN")
            .Team("T2", "Team Two", "North", "Ms Lee", "lee@x.example", "en")
            .Rep("R1", "T1", "甲", "r1@x.example").Rep("R2", "T2", "Bob", "r2@x.example")
            // 2026-10-31 + 89 days = 2027-01-28; + 91 days = 2027-01-30.
            .Customer("K89", "K89客户", "制造业", "key", "R1", "2027-01-28")
            .Customer("K91", "K91客户", "制造业", "key", "R1", "2027-01-30")
            .Customer("KRN", "KRN客户", "制造业", "key", "R1", "2027-01-28")
            .Customer("S89", "S89客户", "制造业", "standard", "R1", "2027-01-28")
            .Customer("K69", "K69客户", "零售业", "key", "R1")
            .Customer("K71", "K71客户", "零售业", "key", "R1")
            .Customer("U31", "U31客户", "科技业", "key", "R1")
            .Customer("U30", "U30客户", "科技业", "key", "R1")
            .Customer("UPD", "UPD客户", "科技业", "key", "R1")
            .Customer("ACME", "Acme", "Retail", "key", "R2", "2026-10-21")
            // KRN's renewal is being worked on; a lost renewal does not count for K89.
            .Opportunity("ORN", "R1", "KRN", 100000, null, null, "open", true)
            .Opportunity("OLOST", "R1", "K89", 100000, null, null, "lost", true)
            .Opportunity("ONEW", "R1", "K89", 100000, null, null, "open", false)
            // Trailing mean July–September 100,000; October 69,000 (69%) and 71,000 (71%). Due far ahead.
            .Invoice("K69-7", "K69", "R1", "2026-07-10", "2026-12-31", 100000)
            .Invoice("K69-8", "K69", "R1", "2026-08-10", "2026-12-31", 120000)
            .Invoice("K69-9", "K69", "R1", "2026-09-10", "2026-12-31", 80000)
            .Invoice("K69-X", "K69", "R1", "2026-10-10", "2026-12-31", 500000, 0, "void")
            .Invoice("K69-10", "K69", "R1", "2026-10-10", "2026-12-31", 69000)
            .Invoice("K71-7", "K71", "R1", "2026-07-10", "2026-12-31", 100000)
            .Invoice("K71-8", "K71", "R1", "2026-08-10", "2026-12-31", 100000)
            .Invoice("K71-9", "K71", "R1", "2026-09-10", "2026-12-31", 100000)
            .Invoice("K71-10", "K71", "R1", "2026-10-10", "2026-12-31", 71000)
            // As of 2026-10-31: due 2026-09-30 is 31 days late, due 2026-10-01 is 30.
            .Invoice("IU31", "U31", "R1", "2026-06-01", "2026-09-30", 50000)
            .Invoice("IU30", "U30", "R1", "2026-06-01", "2026-10-01", 50000)
            .Invoice("IUPD", "UPD", "R1", "2026-06-01", "2026-09-30", 50000)
            // U31: 20,000 by the period end, the rest only in November; UPD paid in full in October.
            .Payment("P1", "IU31", "2026-10-15", 20000).Payment("P2", "IU31", "2026-11-05", 30000).Payment("P3", "IUPD", "2026-10-20", 50000)
            .WriteAsync();
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
    }

    [Fact]
    public async Task Each_rule_fires_just_past_its_boundary_and_not_just_before()
    {
        await FindingRows.ComputeAsync(host, October);
        Assert.Equal(
        [
            new("T1", "R1", "K69", "K69客户：本月开票额 6.9 万元，为近3个月均值 10.0 万元的 69.0%（低于70%）"),
            new("T1", "R1", "K89", "K89客户：合同于 2027-01-28 到期（期末后 89 天），尚无续约商机"),
            new("T1", "R1", "U31", "U31客户：1 张发票逾期超过30天未付，共 3.0 万元（最长逾期 31 天）"),
            new FindingRow("T2", "R2", "ACME", "Acme: contract ended 2026-10-21 (10 days before the period end); no open renewal opportunity"),
        ], await FindingRows.ReadAsync(db, October, "key_account_risk"));
    }

    [Fact]
    public async Task The_form_shows_the_reps_own_risks_from_the_findings()
    {
        await FindingRows.ComputeAsync(host, October);
        var forms = await host.Services.GetRequiredService<FormQuery>().LoadAsync(October, ["R1", "R2"], default);
        var r1 = forms.Single(f => f.Rep.RepId == "R1");
        Assert.Equal(
        [
            new KeyAccountRisk("K69客户", "本月开票额 6.9 万元，为近3个月均值 10.0 万元的 69.0%（低于70%）"),
            new KeyAccountRisk("K89客户", "合同于 2027-01-28 到期（期末后 89 天），尚无续约商机"),
            new KeyAccountRisk("U31客户", "1 张发票逾期超过30天未付，共 3.0 万元（最长逾期 31 天）"),
        ], r1.KeyAccountRisks);
        Assert.Equal([new KeyAccountRisk("Acme", "contract ended 2026-10-21 (10 days before the period end); no open renewal opportunity")],
            forms.Single(f => f.Rep.RepId == "R2").KeyAccountRisks);

        await using var html = new FormHtml();
        var page = await html.RenderAsync(r1);
        Assert.Contains("<strong>K89客户</strong>：合同于 2027-01-28 到期（期末后 89 天），尚无续约商机", page, StringComparison.Ordinal);
        Assert.Contains("<strong>U31客户</strong>：1 张发票逾期超过30天未付，共 3.0 万元（最长逾期 31 天）", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Acme", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recompute_replaces_the_months_findings_and_keeps_the_kinds_written_elsewhere()
    {
        await FindingRows.ComputeAsync(host, October);
        // Rows of the kinds the derived figures own, as they stand between two runs of the findings.
        await using (var conn = await db.Databases.Reporting.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                delete from reporting.finding where kind in ('team_issue', 'config_warning');
                insert into reporting.finding(period, team_id, kind, indicator, detail) values
                  ('2026-10-01', 'T1', 'team_issue', 'revenue', '半数以上销售代表销售额完成率低于80%'),
                  ('2026-10-01', 'T1', 'config_warning', null, '权重合计不等于100');
                """);
        await using (var crm = await db.Databases.Crm.OpenConnectionAsync())
            await crm.ExecuteAsync("update crm.customers set contract_end_date = '2027-01-28', updated_at = now() where customer_id = 'K91'");
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        await new FindingsCompute(db.Databases, Options.Create(new CompanyOptions())).ComputeAsync(October, default);

        Assert.Equal(["ACME", "K69", "K89", "K91", "U31"],
            (await FindingRows.ReadAsync(db, October, "key_account_risk")).Select(f => f.Subject!).Order(StringComparer.Ordinal));
        Assert.Equal("半数以上销售代表销售额完成率低于80%", Assert.Single(await FindingRows.ReadAsync(db, October, "team_issue")).Detail);
        Assert.Equal("权重合计不等于100", Assert.Single(await FindingRows.ReadAsync(db, October, "config_warning")).Detail);
    }
}
