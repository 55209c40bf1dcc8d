using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SalesReporting.Data;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Sources;
using SalesReporting.Data.Targets;
using SalesReporting.Reports.Delivery;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Worker.Jobs;
using UglyToad.PdfPig;

namespace SalesReporting.Tests.Rollups;

/// <summary>
/// The third quarter of 2026 closed for a team of two, from source rows in the CRM and finance databases: every rep
/// gets the quarter's review and the manager the team's, once; the figures are the sums of the source rows; a
/// target set for the quarter itself overrides the roll-up of the monthly ones.
/// </summary>
public sealed class PeriodEndTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private readonly SmtpSink smtp = new();
    private IHost host = null!;
    private static readonly RollupPeriod Q3 = RollupPeriod.Parse("2026-Q3");

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync("sr_period_end");
        host = db.BuildHost(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Acknowledgement:PublicBaseUrl"] = "https://reports.example.com",
        }, new FixedClock(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero)));
        await new Seed(db.Databases)
            .Team("T", "一组", "华东", "王经理", "wang@x.example", "zh-CN")
            .Rep("R1", "T", "甲", "r1@x.example").Rep("R2", "T", "乙", "r2@x.example")
            .Customer("A", "客户A")
            .Invoice("I1", "A", "R1", "2026-07-03", "2026-08-03", 123400)
            .Invoice("I2", "A", "R1", "2026-08-14", "2026-09-14", 300000)
            .Invoice("I3", "A", "R1", "2026-09-30", "2026-10-30", 76600)
            .Invoice("I4", "A", "R1", "2026-08-01", "2026-09-01", 500000, 0, "void")
            .Invoice("I5", "A", "R2", "2026-07-15", "2026-08-15", 200000)
            .Invoice("I6", "A", "R2", "2026-10-01", "2026-11-01", 999900)
            .WriteAsync();
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        await new Seed(db.Databases)
            .Target("R1", "2026-07-01", "revenue", 20).Target("R1", "2026-08-01", "revenue", 20).Target("R1", "2026-09-01", "revenue", 20)
            .Target("R2", "2026-07-01", "revenue", 10).Target("R2", "2026-08-01", "revenue", 10).Target("R2", "2026-09-01", "revenue", 10)
            .WriteAsync();
        // An improvement action is no seed row of a source: written as the API would have stored it.
        await using (var conn = await db.Databases.Reporting.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                insert into reporting.improvement_action(rep_id, period, problem, root_cause, cause_category, action, owner_name, due_on, status, effectiveness)
                values ('R2', '2026-08-01', '新客户少', '拜访不足', 'people', '每周拜访 5 家新客户', '乙', '2026-08-31', 'done', 'improved');
                """);
        // July and August closed as months; September left for the quarter's close to compute.
        var compute = host.Services.GetRequiredService<IndicatorCompute>();
        foreach (var month in new[] { 7, 8 }) await compute.ComputeAsync(new Period(2026, month), default);
    }

    public async Task DisposeAsync()
    {
        host.Dispose();
        await smtp.DisposeAsync();
        await db.DisposeAsync();
    }

    private Task<PeriodEndResult> Close(RollupPeriod period, bool resend = false, string? rep = null) =>
        host.Services.GetRequiredService<PeriodEndJob>().RunAsync(period, resend, null, rep, default);

    private static string PdfText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Concat(string.Concat(document.GetPages().Select(p => p.Text)).Where(c => !char.IsWhiteSpace(c)));
    }

    private static byte[] Pdf(MimeKit.MimeMessage m)
    {
        using var copy = new MemoryStream();
        ((MimeKit.MimePart)m.Attachments.Single()).Content!.DecodeTo(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task Each_rep_gets_the_quarters_review_and_the_manager_the_teams_once_with_the_sums_of_the_source_rows()
    {
        var result = await Close(Q3);
        Assert.Equal([new Period(2026, 9)], result.Computed);
        Assert.Equal([("quarter_form", "R1", DeliveryOutcome.Sent), ("quarter_form", "R2", DeliveryOutcome.Sent), ("quarter_summary", "T", DeliveryOutcome.Sent)],
            result.Sent.Select(s => (s.Kind, s.SubjectId, s.Outcome!.Value)));

        // The figures, against the source rows summed here: non-void invoices issued in the quarter, in 万元.
        Dictionary<string, decimal> expected;
        await using (var fin = await db.Databases.Finance.OpenConnectionAsync())
            expected = (await fin.QueryAsync<(string Rep, decimal Sum)>("""
                select rep_id, sum(amount) / 10000 from finance.invoices
                where status <> 'void' and issued_on between '2026-07-01' and '2026-09-30' group by rep_id
                """)).ToDictionary(r => r.Rep, r => r.Sum);
        var team = (await host.Services.GetRequiredService<PeriodReviewQuery>().LoadTeamAsync(Q3, "T", default))!;
        var r1 = team.Reps.Single(r => r.RepId == "R1").Indicators.Single(i => i.Code == "revenue");
        var r2 = team.Reps.Single(r => r.RepId == "R2").Indicators.Single(i => i.Code == "revenue");
        Assert.Equal((expected["R1"], 50m), (r1.Actual!.Value, r1.Actual!.Value));
        Assert.Equal([12.34m, 30m, 7.66m], r1.Months);
        Assert.Equal((60m, 83.3333m), (r1.Target!.Value, Math.Round(r1.Completion!.Value, 4)));
        Assert.Equal((expected["R2"], 30m, 66.6667m), (r2.Actual!.Value, r2.Target!.Value, Math.Round(r2.Completion!.Value, 4)));
        Assert.Equal([20m, 0m, 0m], r2.Months);

        var mail = smtp.Messages.ToList();
        Assert.Equal([("r1@x.example", "季度业绩回顾表 · 2026年第3季度 · 甲"), ("r2@x.example", "季度业绩回顾表 · 2026年第3季度 · 乙"), ("wang@x.example", "团队季度业绩汇总 · 2026年第3季度 · 一组")],
            mail.Select(m => (m.To.Mailboxes.Single().Address, m.Subject)).OrderBy(x => x.Address, StringComparer.Ordinal));
        var form = PdfText(Pdf(mail.Single(m => m.To.Mailboxes.Single().Address == "r1@x.example")));
        Assert.Contains("季度业绩回顾表", form, StringComparison.Ordinal);
        Assert.Contains("7月8月9月合计目标值完成率(%)权重", form, StringComparison.Ordinal);
        Assert.Contains("销售额（万元）12.34307.66506083.3%", form, StringComparison.Ordinal);
        var r2Form = PdfText(Pdf(mail.Single(m => m.To.Mailboxes.Single().Address == "r2@x.example")));
        Assert.Contains("8月新客户少人每周拜访5家新客户乙2026-08-31已完成指标已改善", r2Form, StringComparison.Ordinal);
        var summary = PdfText(Pdf(mail.Single(m => m.To.Mailboxes.Single().Address == "wang@x.example")));
        Assert.Contains("团队季度业绩汇总", summary, StringComparison.Ordinal);
        Assert.Contains("销售额（万元）32.34307.66709077.8%", summary, StringComparison.Ordinal); // 12.34 + 20, 30, 7.66: 70 of 60 + 30
        Assert.Contains("1甲83.3%", summary, StringComparison.Ordinal);
        Assert.Contains("https://reports.example.com/app/reps/R1/2026-09", mail.Single(m => m.To.Mailboxes.Single().Address == "r1@x.example").TextBody, StringComparison.Ordinal);

        // A rerun — the recurring job again, or the dashboard — sends nothing.
        var rerun = await Close(Q3);
        Assert.All(rerun.Sent, s => Assert.Equal(DeliveryOutcome.AlreadySent, s.Outcome));
        Assert.Empty(rerun.Computed);
        Assert.Equal(3, smtp.Messages.Count);
    }

    [Fact]
    public async Task A_target_set_for_the_quarter_itself_overrides_the_roll_up_of_the_monthly_targets()
    {
        var path = Path.Combine(Path.GetTempPath(), $"q3-targets-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, "rep_id,period,indicator,target\nR1,2026-Q3,revenue,100\nR2,2026-10,revenue,15\n");
        try
        {
            Assert.Equal(2, await host.Services.GetRequiredService<TargetImport>().ImportAsync(path, default));
        }
        finally
        {
            File.Delete(path);
        }
        await using (var conn = await db.Databases.Reporting.OpenConnectionAsync())
        {
            Assert.Equal([("R1", "quarter", new DateOnly(2026, 7, 1), 100m)],
                await conn.QueryAsync<(string, string, DateOnly, decimal)>("select rep_id, kind, period, target from reporting.period_target"));
            Assert.Equal(15m, await conn.ExecuteScalarAsync<decimal>("select target from reporting.target where rep_id = 'R2' and period = '2026-10-01'"));
        }
        await Close(Q3);
        var lines = await host.Services.GetRequiredService<IndicatorRollup>().LoadAsync(Q3, ["R1", "R2"], default);
        var r1 = lines.Single(l => l.RepId == "R1" && l.Indicator == "revenue");
        Assert.Equal((100m, 50m), (r1.Target!.Value, r1.Completion!.Value));
        Assert.Equal(30m, lines.Single(l => l.RepId == "R2" && l.Indicator == "revenue").Target); // no override: 10 + 10 + 10

        // The year is a period of its own: its own ledger kinds, and the quarter's deliveries untouched.
        var year = await Close(RollupPeriod.Parse("2026"), rep: "R1");
        Assert.Equal([("year_form", "R1", DeliveryOutcome.Sent)], year.Sent.Select(s => (s.Kind, s.SubjectId, s.Outcome!.Value)));
        var resend = await Close(Q3, resend: true, rep: "R1");
        Assert.Equal([("quarter_form", "R1", DeliveryOutcome.Sent)], resend.Sent.Select(s => (s.Kind, s.SubjectId, s.Outcome!.Value)));
        await using var check = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal([("quarter_form", "R1", 2L), ("quarter_form", "R2", 1L), ("quarter_summary", "T", 1L), ("year_form", "R1", 1L)],
            await check.QueryAsync<(string, string, long)>("""
                select d.kind, d.subject_id, count(s.*) from reporting.delivery d join reporting.delivery_send s on s.delivery_id = d.id
                group by d.kind, d.subject_id order by 1, 2
                """));
    }

    [Fact]
    public void The_period_is_named_in_each_teams_language()
    {
        var en = SalesReporting.Reports.Rollups.PeriodText.En;
        var tw = SalesReporting.Reports.Rollups.PeriodText.ZhTw;
        Assert.Equal(("Q3 2026", "Jul", "Quarterly performance review"), (en.Name(Q3), en.Month(new Period(2026, 7)), en.Title(Q3)));
        Assert.Equal(("2026年第3季", "2026年度", "7月", "年度業績回顧表"),
            (tw.Name(Q3), tw.Name(RollupPeriod.Parse("2026")), tw.Month(new Period(2026, 7)), tw.Title(RollupPeriod.Parse("2026"))));
        Assert.Equal(["quarter_form", "year_summary"], [SalesReporting.Reports.Rollups.PeriodEmail.FormKind(Q3), SalesReporting.Reports.Rollups.PeriodEmail.SummaryKind(RollupPeriod.Parse("2026"))]);
        Assert.Equal(RollupPeriod.Parse("2026-Q4"), RollupPeriod.QuarterBefore(new Period(2027, 1)));
        Assert.Equal(RollupPeriod.Parse("2026-Q3"), RollupPeriod.QuarterBefore(new Period(2026, 10)));
    }
}
