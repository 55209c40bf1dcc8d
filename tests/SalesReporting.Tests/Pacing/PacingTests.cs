using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SalesReporting.Data.Pacing;
using SalesReporting.Data.Teams;
using SalesReporting.Reports.Delivery;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Tests.Loop;
using SalesReporting.Worker.Jobs;

namespace SalesReporting.Tests.Pacing;

/// <summary>
/// Weekly pacing against a real SMTP server. November 2026 has 21 weekdays; with the holiday on Wednesday 11th and
/// the make-up Saturday 14th it keeps 21 working days, of which 15 have passed by Sunday 22nd (the day before Monday
/// 23rd, the run). R1: target 100 万, 60 to date → pro-rated 100 × 15 ÷ 21 = 71.43, pace 84.0%, projection
/// 60 × 21 ÷ 15 = 84, 84.0%. R2: 50, 10 → 35.71, 28.0%, 14, 28.0% (under 80%). R3 (team T2, zh-TW): 80, nothing
/// before the 23rd → 0, 0.0%.
/// </summary>
public sealed class PacingTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private readonly SmtpSink smtp = new();
    private IHost host = null!;
    private static readonly DateOnly Monday = new(2026, 11, 23);

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync("sr_pacing");
        await LoopSetup.SeedAsync(db);
        await Seed.Staging(db.Databases)
            .Target("R1", "2026-11-01", "revenue", 100).Target("R2", "2026-11-01", "revenue", 50).Target("R3", "2026-11-01", "revenue", 80)
            // Staged without a customer or a cost.
            .Invoice("I1", null, "R1", "2026-11-02", "2026-12-02", 400000, null)
            .Invoice("I2", null, "R1", "2026-11-22", "2026-12-22", 200000, null)
            .Invoice("I3", null, "R1", "2026-11-05", "2026-12-05", 999999, null, "void")
            .Invoice("I4", null, "R2", "2026-11-14", "2026-12-14", 100000, null)
            .Invoice("I5", null, "R3", "2026-11-23", "2026-12-23", 900000, null)
            .Invoice("I6", null, "R3", "2026-10-30", "2026-11-30", 900000, null)
            .WriteAsync();
        host = db.BuildHost(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Pacing:Holidays:0"] = "2026-11-11",
            ["Pacing:WorkingWeekendDays:0"] = "2026-11-14",
            ["Acknowledgement:PublicBaseUrl"] = "https://reports.example.com",
        }, new FixedClock(new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero)));
    }

    public async Task DisposeAsync()
    {
        host.Dispose();
        await smtp.DisposeAsync();
        await db.DisposeAsync();
    }

    private Task<PacingRun> Run(DateOnly day, string? team = null) => host.Services.GetRequiredService<WeeklyPacing>().RunAsync(day, team, default);

    private static decimal R(decimal? v, int decimals = 2) => Math.Round(v!.Value, decimals, MidpointRounding.AwayFromZero);

    [Fact]
    public void Working_days_leave_out_weekends_and_holidays_and_count_make_up_weekend_days()
    {
        var calendar = new PacingOptions { Holidays = ["2026-11-11"], WorkingWeekendDays = ["2026-11-14"] }.Calendar();
        Assert.Equal(15, calendar.Count(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 22)));
        Assert.Equal(21, calendar.Count(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30)));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 11, 11)));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2026, 11, 14)));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 11, 15)));
        Assert.Equal(0, calendar.Count(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 1)));
        Assert.Equal(new DateOnly(2026, 11, 23), WeeklyPacing.WeekOf(new DateOnly(2026, 11, 29)));
        Assert.Equal(new DateOnly(2026, 11, 30), WeeklyPacing.WeekOf(new DateOnly(2026, 11, 30)));
    }

    [Fact]
    public void A_calendar_entry_that_is_not_a_date_or_a_make_up_day_on_a_weekday_is_named()
    {
        Assert.Equal([
            "Pacing:Holidays:1 '2026/10/02' is not a date: expected YYYY-MM-DD, for example 2026-10-01.",
            "Pacing:WorkingWeekendDays:0 2026-10-12 is a Monday, not a weekend day; weekdays are working days already."],
            new PacingOptions { Holidays = ["2026-10-01", "2026/10/02"], WorkingWeekendDays = ["2026-10-12"] }.Problems());
    }

    [Fact]
    public async Task The_month_to_date_is_set_against_the_target_pro_rated_by_working_days_and_projected_to_the_month_end()
    {
        var figures = await host.Services.GetRequiredService<PacingQuery>().LoadAsync(Monday, null, default);
        Assert.Equal(new DateOnly(2026, 11, 22), figures.Through);
        Assert.Empty(figures.Errors);
        var t1 = figures.Teams.Single(t => t.TeamId == "T1");
        Assert.Equal((15, 21), (t1.WorkingDaysElapsed, t1.WorkingDays));
        // The default catalog's key additive indicators with a target, in summary order.
        Assert.Equal(["revenue", "new_customers", "visits", "proposals"], t1.Indicators.Select(i => i.Code));

        var r1 = t1.Lines.Single(l => l.RepId == "R1" && l.Indicator == "revenue");
        Assert.Equal((60m, 100m, 71.43m, 84.0m, 84m, 84.0m),
            (r1.Actual, r1.Target!.Value, R(r1.ProRatedTarget), R(r1.Pace, 1), R(r1.Projection), R(r1.ProjectedCompletion, 1)));
        var r2 = t1.Lines.Single(l => l.RepId == "R2" && l.Indicator == "revenue");
        Assert.Equal((10m, 35.71m, 28.0m, 14m, 28.0m), (r2.Actual, R(r2.ProRatedTarget), R(r2.Pace, 1), R(r2.Projection), R(r2.ProjectedCompletion, 1)));
        var r3 = figures.Teams.Single(t => t.TeamId == "T2").Lines.Single(l => l.Indicator == "revenue");
        Assert.Equal((0m, 0m, 0.0m), (r3.Actual, R(r3.Projection), R(r3.ProjectedCompletion, 1)));
        // Without a target an indicator is projected but has no completion, and nobody is at risk on it.
        var visits = t1.Lines.Single(l => l.RepId == "R1" && l.Indicator == "visits");
        Assert.Equal((0m, (decimal?)null, (decimal?)null), (visits.Actual, visits.ProRatedTarget, visits.ProjectedCompletion));

        Assert.Equal(["R2"], t1.AtRisk.Select(r => r.RepId));
        Assert.Equal(["revenue"], t1.AtRisk[0].Lines.Select(l => l.Indicator));
    }

    [Fact]
    public async Task Each_manager_gets_it_once_a_week_in_the_teams_language_and_a_team_can_opt_out()
    {
        var first = await Run(Monday);
        Assert.Equal(2, first.Teams.Count(t => t.Outcome == DeliveryOutcome.Sent));
        var mail = smtp.Messages.OrderBy(m => m.To.Mailboxes.Single().Address, StringComparer.Ordinal).ToList();
        Assert.Equal([("mgr1@x.example", "【每周业绩进度】华东一组 2026年11月"), ("mgr2@x.example", "【每週業績進度】台北組 2026年11月")],
            mail.Select(m => (m.To.Mailboxes.Single().Address, m.Subject)));
        var text = mail[0].TextBody;
        Assert.Contains("截至 2026-11-22，本月 21 个工作日已过 15 个（71.4%）", text, StringComparison.Ordinal);
        Assert.Contains("工作日进度: 15 / 21 · 销售额 · 团队至今: 70 · 折算目标: 107.14 · 预计月末完成率: 65.3%", text, StringComparison.Ordinal);
        Assert.Contains("预计月末完成率低于 80% 的销售", text, StringComparison.Ordinal);
        Assert.Contains("- 张伟 — 销售额 预计 28.0%（至今 10 / 折算目标 35.71 万元）", text, StringComparison.Ordinal);
        // Only what the team has targets for: revenue here, not the counts nobody was given a target for.
        Assert.Contains("- 销售代表 张伟; 销售额 28.0%\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("客户拜访量", text, StringComparison.Ordinal);
        Assert.Contains("- 销售代表 李明; 至今 60; 折算目标 71.43; 进度 84.0%; 月末预测 84; 预计完成率 84.0%", text, StringComparison.Ordinal);
        Assert.Contains("https://reports.example.com/app/teams/T1/2026-11", text, StringComparison.Ordinal);
        Assert.Contains("background:#fde2e1", mail[0].HtmlBody, StringComparison.Ordinal); // 28.0% in red
        Assert.Equal("auto-generated", mail[0].Headers["Auto-Submitted"]);
        Assert.Contains("- 林志玲 — 銷售額 預計 0.0%（至今 0 / 折算目標 57.14 萬元）", mail[1].TextBody, StringComparison.Ordinal);

        // Later the same week — the dashboard, or `pacing --date` — nothing more.
        var rerun = await Run(new DateOnly(2026, 11, 25));
        Assert.All(rerun.Teams, t => Assert.Equal(DeliveryOutcome.AlreadySent, t.Outcome));
        Assert.Equal(2, smtp.Messages.Count);

        await host.Services.GetRequiredService<TeamSettings>().SetWeeklyPacingAsync("T2", false, "mgr2@x.example", default);
        var next = await Run(new DateOnly(2026, 11, 30));
        Assert.Equal([("T1", DeliveryOutcome.Sent)], next.Teams.Select(t => (t.TeamId, t.Outcome)));
        Assert.Equal(3, smtp.Messages.Count);
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(["T1.20261123", "T1.20261130", "T2.20261123"],
            await conn.QueryAsync<string>("select subject_id from reporting.delivery where kind = 'pacing' and status = 'sent' order by subject_id"));
    }
}
