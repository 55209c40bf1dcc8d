using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PuppeteerSharp;
using SalesReporting.Data;
using SalesReporting.Reports.Delivery;
using SalesReporting.Reports.Forms;
using SalesReporting.Reports.Reminders;
using SalesReporting.Reports.Summary;
using SalesReporting.Tests.Workspace;

namespace SalesReporting.Tests.Summary;

/// <summary>
/// What lands in the inbox: each email's HTML reads on its own (the score, the key indicators coloured by how they
/// stand, the anomalies and their reasons, the actions due, the buttons) within 600 pixels and on a phone, with the
/// same content in its plain-text part. Rendered by Chromium at 600 and 375 pixels; the pictures go to
/// SALESREPORTING_SCREENSHOTS (docs/ when refreshed on purpose).
/// </summary>
public sealed partial class DigestEmailTests(TeamSummaryFixture f) : IClassFixture<TeamSummaryFixture>
{
    private const string Ack = "https://reports.example.test/ack/2026-10/R003?exp=1&sig=abc";
    private const string Workspace = "https://reports.example.test/app/reps/R003/2026-10";

    private T Get<T>() where T : notnull => f.Host.Services.GetRequiredService<T>();

    private async Task<FeedbackForm> FormAsync(string rep) =>
        (await Get<FormQuery>().LoadAsync(TeamSummaryFixture.October, [rep], default)).Single();

    [GeneratedRegex("<(script|style|link|img|iframe|form)\\b", RegexOptions.IgnoreCase)]
    private static partial Regex Forbidden();

    private static void AssertMailSafe(string html)
    {
        Assert.DoesNotMatch(Forbidden(), html);
        Assert.Contains("max-width:600px", html, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" class=", html, StringComparison.Ordinal); // inline CSS only: mail clients drop stylesheets
    }

    [Fact]
    public async Task The_rep_email_shows_score_key_indicators_coloured_anomalies_with_reasons_actions_due_and_both_buttons_in_html_and_text()
    {
        var form = await FormAsync("R003");
        var message = FormEmail.Compose(form, "reports@x.example", form.Rep.RepName, "r003@x.example", [1, 2, 3], Ack, Workspace);
        var html = message.HtmlBody!;
        var text = message.TextBody!;
        AssertMailSafe(html);

        // The key indicators: each completion cell coloured by how it stands, and the same figures in the text part.
        var keys = KeyIndicators.Of(form.Indicators).ToList();
        Assert.NotEmpty(keys);
        foreach (var k in keys)
        {
            var (color, background) = Digest.Colours(Format.Standing(k.Completion));
            Assert.Contains($"color:{color};background:{background}{(k.Completion is null ? "" : ";font-weight:bold")}\">{Format.Completion(k.Completion)}</td>", html, StringComparison.Ordinal);
            Assert.Contains($"完成率 {Format.Completion(k.Completion)}", text, StringComparison.Ordinal);
        }
        // Every flagged indicator with its reason, in both parts.
        var flagged = form.Indicators.Where(i => i.IsAnomaly).ToList();
        Assert.NotEmpty(flagged);
        foreach (var i in flagged)
        {
            var reason = i.AnomalyReason ?? "异常";
            Assert.Contains(System.Net.WebUtility.HtmlEncode(reason), html, StringComparison.Ordinal);
            Assert.Contains($"- {(i.Completion is null ? i.Name : $"{i.Name} {Format.Completion(i.Completion)}")} — {reason}", text, StringComparison.Ordinal);
        }
        // R003's open action due 2026-10-20 is overdue by the form's date; the one done is not listed.
        Assert.Contains("- 回款逾期偏多 — 每周跟进对账 · 责任人 王建国 · 完成时间 2026-10-20 · 已逾期", text, StringComparison.Ordinal);
        Assert.DoesNotContain("拜访不足", text, StringComparison.Ordinal);
        // The buttons are links (every client shows a link), and the links are in the text part too.
        Assert.Contains($"<a href=\"{System.Net.WebUtility.HtmlEncode(Ack)}\"", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"{Workspace}\"", html, StringComparison.Ordinal);
        Assert.Contains($"确认已收到: {Ack}", text, StringComparison.Ordinal);
        Assert.Contains($"在工作台中查看与回复: {Workspace}", text, StringComparison.Ordinal);
        Assert.Contains($"综合得分: {(form.Score.Score is { } s ? Format.Score(s) : "—")}", text, StringComparison.Ordinal);

        // Without links (a one-shot command without them), no button at all.
        var bare = FormEmail.Compose(form, "reports@x.example", form.Rep.RepName, "r003@x.example", [1], null, null);
        Assert.DoesNotContain("<a href", bare.HtmlBody!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_summary_email_ranks_the_team_with_coloured_completions_and_lists_what_needs_attention()
    {
        var summary = await Get<SummaryQuery>().LoadAsync(TeamSummaryFixture.October, "T01", default);
        var message = SummaryEmail.Compose(summary, "reports@x.example", "王建国", "wang@x.example", [1], [2], "https://reports.example.test/app/teams/T01/2026-10");
        var html = message.HtmlBody!;
        var text = message.TextBody!;
        AssertMailSafe(html);
        Assert.Contains("销售代表人数: 7 · 平均综合得分: 88.1 · 已确认收到反馈表: 1 / 7", text, StringComparison.Ordinal);
        Assert.Contains("高绩效: 1 · 达标中: 3 · 待提升: 2", text, StringComparison.Ordinal);
        // In rank order, the first three key indicators only (a phone's width); the rest are in the attachments.
        var rows = text.Split('\n').Where(l => l.StartsWith("- 排名 ", StringComparison.Ordinal)).ToList();
        Assert.Equal(7, rows.Count);
        Assert.StartsWith($"- 排名 1; 销售代表 {summary.Reps[0].RepName}; {summary.KeyIndicators[0].Name} ", rows[0], StringComparison.Ordinal);
        Assert.EndsWith("; 综合得分 112.0; 绩效分层 高绩效", rows[0], StringComparison.Ordinal);
        Assert.DoesNotContain(summary.KeyIndicators[3].Name, rows[0], StringComparison.Ordinal);
        Assert.Contains("- 数据真实性核查 — 2", text, StringComparison.Ordinal);
        Assert.Contains("\n逾期改进措施\n", text, StringComparison.Ordinal);
        Assert.Contains("回款逾期偏多 — 每周跟进对账 · 责任人 王建国 · 完成时间 2026-10-20 · 逾期天数 12", text, StringComparison.Ordinal);
        Assert.Contains("打开团队页面: https://reports.example.test/app/teams/T01/2026-10", text, StringComparison.Ordinal);
        Assert.Equal(["2026-10_team_T01.pdf", "2026-10_team_T01.xlsx"], message.Attachments.OfType<MimePart>().Select(a => a.FileName));
    }

    /// <summary>A team's week by hand: 15 of 21 working days gone, revenue and new customers paced.</summary>
    private static SalesReporting.Data.Pacing.TeamPacing Pacing()
    {
        SalesReporting.Data.Pacing.PacingLine Line(string rep, string name, string indicator, decimal actual, decimal target) =>
            new(rep, name, indicator, actual, target, target * 15 / 21, actual / (target * 15 / 21) * 100, actual * 21 / 15, actual * 21 / 15 / target * 100);
        return new SalesReporting.Data.Pacing.TeamPacing("T01", "华东区域销售一组", "王建国", "wang@x.example", "zh-CN", new SalesReporting.Data.Period(2026, 11),
            new DateOnly(2026, 11, 22), 15, 21,
            [new("revenue", "销售额", "銷售額", "Revenue", "wan_yuan"), new("new_customers", "新客户数", "新客戶數", "New customers", "count")],
            [Line("R001", "李娜", "revenue", 88.5m, 100m), Line("R001", "李娜", "new_customers", 4m, 5m),
             Line("R002", "王芳", "revenue", 61.2m, 90m), Line("R002", "王芳", "new_customers", 2m, 4m),
             Line("R003", "张伟", "revenue", 30.4m, 80m), Line("R003", "张伟", "new_customers", 1m, 4m)], 80m);
    }

    [Fact]
    public async Task The_emails_render_within_600_pixels_and_on_a_phone_without_sideways_scrolling()
    {
        var form = await FormAsync("R003");
        var summary = await Get<SummaryQuery>().LoadAsync(TeamSummaryFixture.October, "T01", default);
        var reminder = new Reminder(ReminderKinds.Overdue, new DateOnly(2026, 11, 3), "zh-CN", "张伟", "r003@x.example", "R003", "张伟",
            42, "回款逾期偏多", "每周跟进对账", new DateOnly(2026, 10, 20), new DateOnly(2026, 10, 15), null, null);
        var emails = new Dictionary<string, string>
        {
            ["email-rep"] = FormEmail.Compose(form, "reports@x.example", form.Rep.RepName, "r003@x.example", [1], Ack, Workspace).HtmlBody!,
            ["email-summary"] = SummaryEmail.Compose(summary, "reports@x.example", "王建国", "wang@x.example", [1], [2], "https://reports.example.test/app/teams/T01/2026-10").HtmlBody!,
            ["email-pacing"] = SalesReporting.Reports.Pacing.PacingEmail.Compose(Pacing(), [], "reports@x.example", "https://reports.example.test/app/teams/T01/2026-11").HtmlBody!,
            ["email-reminder"] = ReminderEmail.Compose(reminder, "reports@x.example", "https://reports.example.test/app").HtmlBody!,
        };
        AssertMailSafe(emails["email-reminder"]);
        var dir = WorkspaceFixture.ScreenshotDir;
        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = new SalesReporting.Reports.Rendering.ChromiumOptions().ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        await using var page = await browser.NewPageAsync();
        foreach (var (name, html) in emails)
        {
            foreach (var (width, suffix) in new[] { (600, "600"), (375, "phone") })
            {
                await page.SetViewportAsync(new ViewPortOptions { Width = width, Height = 800, DeviceScaleFactor = width < 600 ? 2 : 1, IsMobile = width < 600 });
                await page.SetContentAsync(html);
                // Nothing wider than the window: no sideways scrolling, in a 600-pixel pane or on a 375-pixel phone.
                var scroll = await page.EvaluateExpressionAsync<int>("document.documentElement.scrollWidth");
                Assert.True(scroll <= width, $"{name} is {scroll} px wide in a {width} px window");
                await page.ScreenshotAsync(Path.Combine(dir, $"{name}-{suffix}.png"), new ScreenshotOptions { FullPage = true });
            }
        }
        var shown = await page.EvaluateExpressionAsync<string>("document.body.innerText");
        Assert.Contains("回款逾期偏多", shown, StringComparison.Ordinal);
    }
}
