using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SalesReporting.Data;
using SalesReporting.Data.Actions;
using SalesReporting.Reports.Forms;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Worker.Jobs;

namespace SalesReporting.Tests.Loop;

/// <summary>The daily follow-up scan against a real SMTP server: reminders once, escalation, low tier, effectiveness.</summary>
public sealed class FollowUpScanTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private readonly SmtpSink smtp = new();
    private IHost host = null!;
    private readonly FixedClock clock = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync("sr_loop_scan");
        await LoopSetup.SeedAsync(db);
        host = db.BuildHost(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Acknowledgement:PublicBaseUrl"] = "https://reports.example.com",
        }, clock);
    }

    public async Task DisposeAsync()
    {
        host.Dispose();
        await smtp.DisposeAsync();
        await db.DisposeAsync();
    }

    private Task<FollowUpResult> Scan(int month, int day, int year = 2026) =>
        host.Services.GetRequiredService<FollowUpScan>().RunAsync(new DateOnly(year, month, day), default);

    private async Task<ActionRecord> Create(ActionFields f) => (await host.Services.GetRequiredService<ActionStore>().CreateAsync(f, default))!;

    private List<(string To, string Subject)> Mail() => smtp.Messages.Select(m => (m.To.Mailboxes.Single().Address, m.Subject ?? "")).ToList();

    [Fact]
    public async Task Each_reminder_goes_exactly_once_per_action_kind_and_day_however_often_the_scan_reruns()
    {
        await Create(LoopSetup.Action(checkpoint: "2026-11-05", due: "2026-11-10"));
        await Create(LoopSetup.Action(rep: "R3", problem: "客單價低", checkpoint: "2026-11-05", due: "2026-11-10", owner: "owner3@x.example"));
        Assert.Equal(2, (await Scan(11, 5)).Sent["checkpoint"]);
        var rerun = await Scan(11, 5);
        Assert.Empty(rerun.Sent);
        Assert.Equal(2, rerun.AlreadySent);
        await Scan(11, 6);
        Assert.Equal(2, (await Scan(11, 10)).Sent["due"]);
        await Scan(11, 10);
        Assert.Equal([
            ("owner1@x.example", "【改进计划检查点】回款慢"), ("owner3@x.example", "【改進計劃檢查點】客單價低"),
            ("owner1@x.example", "【改进计划到期】回款慢"), ("owner3@x.example", "【改進計劃到期】客單價低")], Mail());

        // Each leads to the rep's page of the month the action belongs to, where it is updated.
        Assert.All(smtp.Messages, m => Assert.Contains(m.To.Mailboxes.Single().Address == "owner3@x.example"
            ? "在工作台中查看: https://reports.example.com/app/reps/R3/2026-10" : "在工作台中查看: https://reports.example.com/app/reps/R1/2026-10",
            m.TextBody, StringComparison.Ordinal));
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        var subjects = (await conn.QueryAsync<string>("select subject_id from reporting.delivery where kind = 'reminder' and status = 'sent' order by subject_id")).ToList();
        Assert.Equal(4, subjects.Count);
        Assert.Contains(subjects, s => s.EndsWith(".checkpoint.20261105", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_manager_is_told_after_three_days_overdue_not_at_two_and_only_once()
    {
        await Create(LoopSetup.Action(checkpoint: null, due: "2026-11-10"));
        var two = await Scan(11, 12);
        Assert.Equal(1, two.Sent["overdue"]);
        Assert.False(two.Sent.ContainsKey("escalation"));
        Assert.Equal([("owner1@x.example", "【改进计划逾期 2 天】回款慢")], Mail());

        var three = await Scan(11, 13);
        Assert.Equal(1, three.Sent["escalation"]);
        Assert.False(three.Sent.ContainsKey("overdue")); // the weekly overdue reminder went on day 1 of this week
        Assert.Equal(("mgr1@x.example", "【逾期升级】李明：回款慢"), Mail()[^1]);
        Assert.Empty((await Scan(11, 14)).Sent);
        Assert.Empty((await Scan(11, 13)).Sent);

        // A week after the first overdue reminder the owner hears again; the manager does not.
        Assert.Equal(1, (await Scan(11, 18)).Sent["overdue"]);
        Assert.Equal(1, Mail().Count(m => m.To == "mgr1@x.example"));
        Assert.Equal(3, Mail().Count);
    }

    [Fact]
    public async Task A_rep_who_needs_improvement_without_an_open_action_is_brought_to_the_manager_weekly()
    {
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        await conn.ExecuteAsync("""
            insert into reporting.rep_score(period, rep_id, team_id, score, tier) values
              ('2026-10-01', 'R1', 'T1', 72.5, 'improve'), ('2026-10-01', 'R2', 'T1', 65.0, 'improve'),
              ('2026-10-01', 'R3', 'T2', 70.0, 'improve'), ('2026-09-01', 'R1', 'T1', 50.0, 'improve')
            """);
        await Create(LoopSetup.Action(rep: "R2", problem: "线索少"));
        await Create(LoopSetup.Action(rep: "R3", problem: "客單價低") with { Status = null });
        await conn.ExecuteAsync("update reporting.improvement_action set status = 'done' where rep_id = 'R3'");

        Assert.Empty((await Scan(11, 2)).Sent); // within the grace days after the month's forms
        Assert.Equal(2, (await Scan(11, 3)).Sent["low_tier"]);
        Assert.Equal([("mgr1@x.example", "【待提升未制定改进计划】李明 2026-10"), ("mgr2@x.example", "【待提升未制定改進計劃】林志玲 2026-10")],
            Mail().Where(m => m.Subject.Contains("待提升", StringComparison.Ordinal)));
        Assert.Contains("72.5", smtp.Messages.First().TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("low_tier", (await Scan(11, 9)).Sent.Keys);
        Assert.Equal(2, (await Scan(11, 10)).Sent["low_tier"]);
    }

    [Fact]
    public async Task After_the_month_following_the_due_date_closes_the_verdict_is_stored_and_shown_on_the_next_form()
    {
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        // Revenue 85/100 in October, 95/100 in December: improved. Cycle 30 → 34 days (lower is better, no target): not improved.
        // Visits 100/120 → 90/100: the actual fell but completion rose 83.3% → 90%: improved on completion.
        await new Seed(db.Databases)
            .Value("2026-10-01", "R1", "revenue", 85).Value("2026-12-01", "R1", "revenue", 95)
            .Value("2026-10-01", "R1", "negotiation_cycle", 30).Value("2026-12-01", "R1", "negotiation_cycle", 34)
            .Value("2026-10-01", "R1", "visits", 100).Value("2026-12-01", "R1", "visits", 90)
            .Target("R1", "2026-10-01", "revenue", 100).Target("R1", "2026-12-01", "revenue", 100)
            .Target("R1", "2026-10-01", "visits", 120).Target("R1", "2026-12-01", "visits", 100)
            .WriteAsync();
        var revenue = await Create(LoopSetup.Action(problem: "销售额未达标", due: "2026-11-15", indicator: "revenue"));
        var cycle = await Create(LoopSetup.Action(problem: "谈判周期长", due: "2026-11-20", indicator: "negotiation_cycle"));
        var visits = await Create(LoopSetup.Action(problem: "拜访不足", due: "2026-11-25", indicator: "visits"));
        var noIndicator = await Create(LoopSetup.Action(problem: "其他", due: "2026-11-25"));

        var scan = host.Services.GetRequiredService<FollowUpScan>();
        Assert.Equal(0, await scan.JudgeEffectivenessAsync(new DateOnly(2026, 12, 31), default)); // December not closed yet
        Assert.Equal(3, await scan.JudgeEffectivenessAsync(new DateOnly(2027, 1, 1), default));
        Assert.Equal(0, await scan.JudgeEffectivenessAsync(new DateOnly(2027, 1, 2), default));

        var verdicts = (await conn.QueryAsync<(long, string?, string?, decimal?, decimal?)>("""
            select id, effectiveness, effectiveness_basis, round(effectiveness_before, 1), round(effectiveness_after, 1)
            from reporting.improvement_action order by id
            """)).ToList();
        Assert.Equal([
            (revenue.Id, "improved", "completion", 85.0m, 95.0m),
            (cycle.Id, "not_improved", "actual", 30.0m, 34.0m),
            (visits.Id, "improved", "completion", 83.3m, 90.0m),
            (noIndicator.Id, null, null, null, null)], verdicts);

        await conn.ExecuteAsync("update reporting.improvement_action set effectiveness = null where id = @Id", cycle);
        await conn.ExecuteAsync("update reporting.indicator_value set actual = 25 where indicator = 'negotiation_cycle' and period = '2026-12-01'");
        Assert.Equal(1, await scan.JudgeEffectivenessAsync(new DateOnly(2027, 1, 2), default));
        Assert.Equal("improved", await conn.ExecuteScalarAsync<string>("select effectiveness from reporting.improvement_action where id = @Id", cycle));

        clock.Now = new DateTimeOffset(2027, 1, 2, 1, 0, 0, TimeSpan.Zero);
        var form = (await host.Services.GetRequiredService<FormQuery>().LoadAsync(new Period(2026, 12), ["R1"], default)).Single();
        Assert.Equal([("销售额未达标", "improved"), ("谈判周期长", "improved"), ("拜访不足", "improved"), ("其他", null)],
            form.Actions.Select(a => (a.Problem, a.Effectiveness)));
    }

    [Fact]
    public async Task Before_a_verdict_an_action_past_its_due_date_shows_pending_on_the_form()
    {
        await Create(LoopSetup.Action(problem: "销售额未达标", due: "2026-11-15", indicator: "revenue"));
        await Create(LoopSetup.Action(problem: "谈判周期长", due: "2026-12-20", indicator: "negotiation_cycle"));
        clock.Now = new DateTimeOffset(2026, 12, 1, 1, 0, 0, TimeSpan.Zero);
        var form = (await host.Services.GetRequiredService<FormQuery>().LoadAsync(new Period(2026, 11), ["R1"], default)).Single();
        Assert.Equal([("销售额未达标", "pending"), ("谈判周期长", null)], form.Actions.Select(a => (a.Problem, a.Effectiveness)));
    }
}
