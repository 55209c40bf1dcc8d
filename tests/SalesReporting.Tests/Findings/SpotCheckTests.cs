using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SalesReporting.Data;
using SalesReporting.Data.Sources;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Findings;

/// <summary>The spot-check sample 抽查: three of the rep's visits of the month, drawn the same way every time.</summary>
public sealed class SpotCheckTests() : HostedDatabaseTest("sr_find_sample", new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.GetTempPath() })
{
    private static readonly Period September = new(2026, 9);
    private static readonly Period October = new(2026, 10);

    protected override async Task SeedAsync()
    {
        var seed = new Seed(db.Databases)
            .Team("T1", "一组", "华东", "王经理", "wang@x.example", "zh-CN").Team("T2", "Team Two", "North", "Ms Lee", "lee@x.example", "en")
            .Rep("R1", "T1", "甲", "r1@x.example").Rep("R2", "T2", "Bob", "r2@x.example").Rep("R3", "T1", "丙", "r3@x.example")
            .Customer("C1", "甲公司", "制造业", "standard", "R1").Customer("C2", "Acme", "Retail", "standard", "R2");
        // A duration and a subject: no decision maker or need recorded.
        Seed Activity(string id, string rep, string customer, string kind, At at, string? subject) =>
            seed.Activity(id, rep, customer, kind, at, 30, decisionMaker: null, need: null, subject: subject);
        for (var d = 1; d <= 10; d++)
        {
            Activity($"O{d:D2}", "R1", "C1", "visit", $"2026-10-{d:D2} 09:{d:D2}+08", $"十月拜访{d}");
            Activity($"S{d:D2}", "R1", "C1", "visit", $"2026-09-{d:D2} 09:{d:D2}+08", $"九月拜访{d}");
        }
        Activity("OCALL", "R1", "C1", "call", "2026-10-11 09:00+08", "电话");
        // 23:30 local on Oct 31 is October; R2's second visit has no subject.
        Activity("B1", "R2", "C2", "visit", "2026-10-31 23:30+08", "Kick-off");
        Activity("B2", "R2", "C2", "visit", "2026-10-12 14:00+08", null);
        await seed.WriteAsync();
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
    }

    /// <summary>The documented draw, worked out here without the database: md5 of "period/rep/activity", lowest first.</summary>
    private static string[] Draw(Period period, string rep, IEnumerable<string> visits) =>
        visits.OrderBy(v => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{period}/{rep}/{v}"))), StringComparer.Ordinal)
            .Take(3).ToArray();

    [Fact]
    public async Task Three_visits_per_rep_of_that_month_drawn_by_period_and_rep_the_same_every_time()
    {
        await FindingRows.ComputeAsync(host, October);
        var first = await FindingRows.ReadAsync(db, October, "spot_check");
        await FindingRows.ComputeAsync(host, October);
        var second = await FindingRows.ReadAsync(db, October, "spot_check");
        Assert.Equal(first, second);

        var october = Enumerable.Range(1, 10).Select(d => $"O{d:D2}").ToArray();
        var expected = Draw(October, "R1", october);
        Assert.Equal(expected, first.Where(f => f.RepId == "R1").Select(f => f.Subject));
        Assert.All(first.Where(f => f.RepId == "R1"), f =>
        {
            var d = int.Parse(f.Subject![1..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal($"甲公司 · 2026-10-{d:D2} 09:{d:D2} · 十月拜访{d} · {f.Subject}", f.Detail);
            Assert.Equal("T1", f.TeamId);
        });
        // Fewer than three visits: all of them. No visits: nothing.
        Assert.Equal(
            [new FindingRow("T2", "R2", "B1", "Acme · 2026-10-31 23:30 · Kick-off · B1"), new FindingRow("T2", "R2", "B2", "Acme · 2026-10-12 14:00 · (no subject) · B2")],
            first.Where(f => f.RepId == "R2").OrderBy(f => f.Subject, StringComparer.Ordinal));
        Assert.DoesNotContain(first, f => f.RepId == "R3");
        Assert.Equal(5, first.Count);
    }

    [Fact]
    public async Task Another_month_draws_from_its_own_visits_with_its_own_seed()
    {
        await FindingRows.ComputeAsync(host, September);
        var september = await FindingRows.ReadAsync(db, September, "spot_check");
        Assert.Equal(Draw(September, "R1", Enumerable.Range(1, 10).Select(d => $"S{d:D2}")), september.Select(f => f.Subject));
        // The seed is the period: the same visits drawn under October's seed come out in another order.
        Assert.NotEqual(Draw(September, "R1", Enumerable.Range(1, 10).Select(d => $"S{d:D2}")),
            Draw(October, "R1", Enumerable.Range(1, 10).Select(d => $"S{d:D2}")));
    }
}
