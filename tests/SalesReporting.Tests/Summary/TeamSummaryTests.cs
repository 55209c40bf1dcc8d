using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MimeKit;
using SalesReporting.Data;
using SalesReporting.Demo;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Sources;
using SalesReporting.Data.Targets;
using SalesReporting.Reports.Delivery;
using SalesReporting.Reports.Forms;
using SalesReporting.Reports.Rendering;
using SalesReporting.Reports.Summary;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Worker.Jobs;
using UglyToad.PdfPig;

namespace SalesReporting.Tests.Summary;

/// <summary>
/// The demo organisation computed for October 2026, plus what other parts of the product write for the
/// summary (scores, findings, actions, acknowledgements, a sync with quarantined rows) inserted by hand.
/// </summary>
public sealed class TeamSummaryFixture : IAsyncLifetime
{
    public TestDatabase Db { get; private set; } = null!;
    public SmtpSink Smtp { get; } = new();
    public IHost Host { get; private set; } = null!;
    public string OutDir { get; } = Path.Combine(Path.GetTempPath(), "sr-summary-" + Guid.NewGuid().ToString("N"));
    public static readonly Period October = new(2026, 10);
    public const string Hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>";

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync("sr_summary");
        Host = Db.BuildHost(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Forms:OutputDirectory"] = Path.Combine(OutDir, "forms"),
        }, new FixedClock(new DateTimeOffset(2026, 11, 1, 6, 0, 0, TimeSpan.FromHours(8))));
        var demo = await DemoOrganisation.GenerateAsync(Db.Databases, OutDir, default);
        await Host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        await Host.Services.GetRequiredService<TargetImport>().ImportAsync(demo.TargetsFile, default);
        await Host.Services.GetRequiredService<IndicatorCompute>().ComputeWithHistoryAsync(October, default);

        await using var conn = await Db.Databases.Reporting.OpenConnectionAsync();
        // Whatever compute itself concluded for the month is replaced by known rows, so the figures below are exact.
        await conn.ExecuteAsync("""
            delete from reporting.rep_score where period = '2026-10-01';
            delete from reporting.finding where period = '2026-10-01';
            insert into reporting.rep_score(period, rep_id, team_id, score, tier) values
              ('2026-10-01', 'R001', 'T01', 82.9, 'on_track'),
              ('2026-10-01', 'R002', 'T01', 112.0, 'high'),
              ('2026-10-01', 'R003', 'T01', 64.25, 'improve'),
              ('2026-10-01', 'R004', 'T01', 95.0, 'on_track'),
              ('2026-10-01', 'R005', 'T01', 95.04, 'on_track'),
              ('2026-10-01', 'R006', 'T01', 79.5, 'improve'),
              ('2026-10-01', 'R007', 'T01', null, null);
            insert into reporting.finding(period, team_id, kind, rep_id, indicator, subject, detail) values
              ('2026-10-01', 'T01', 'team_issue', null, 'lead_conversion', null, '4/7 名销售代表有效线索转化率完成率低于 80%'),
              ('2026-10-01', 'T01', 'authenticity', 'R003', null, 'OPP-0042', '赢单 70 天仍无发票'),
              ('2026-10-01', 'T01', 'spot_check', 'R002', null, 'ACT-9001', '2026-10-12 拜访客户A，45 分钟'),
              ('2026-10-01', 'T01', 'new_hire_ramp', 'R001', 'revenue', null, '入职第3个月销售额 85.0 万元，团队同期中位数 62.0 万元'),
              ('2026-10-01', 'T01', 'key_account_risk', 'R004', null, '客户K', '合同于 2026-12-31 到期，尚无续约商机'),
              ('2026-10-01', 'T01', 'config_warning', null, null, null, '过程指标权重合计 25，低于 40'),
              ('2026-10-01', 'T01', 'authenticity', 'R005', null, @hostile, @hostile),
              ('2026-10-01', 'T02', 'team_issue', null, 'visits', null, '其他團隊的問題不應出現');
            insert into reporting.improvement_action(rep_id, period, problem, root_cause, cause_category, action, owner_name, due_on, status) values
              ('R003', '2026-09-01', '回款逾期偏多', '客户资金紧张', 'market', '每周跟进对账', '王建国', '2026-10-20', 'open'),
              ('R003', '2026-09-01', '拜访不足', '计划不周', 'people', '周计划', '王建国', '2026-10-10', 'done'),
              ('R006', '2026-10-01', '方案反复', '调研不足', 'people', '需求清单模板', '王建国', '2026-11-15', 'open'),
              ('R008', '2026-09-01', '别的团队逾期', '-', 'people', '-', '林美玲', '2026-10-01', 'open');
            insert into reporting.acknowledgement(period, rep_id, acknowledged_at) values ('2026-10-01', 'R002', '2026-10-31 02:00+00');
            insert into staging.sync_run(started_at, finished_at, rows_read, rows_upserted, rows_quarantined)
              values (now() + interval '1 minute', now() + interval '2 minutes', 100, 93, 7);
            insert into staging.sync_run(started_at, finished_at, rows_quarantined) values (now() + interval '3 minutes', null, 99);
            """, new { hostile = Hostile });
    }

    public async Task DisposeAsync()
    {
        Host.Dispose();
        await Smtp.DisposeAsync();
        await Db.DisposeAsync();
        if (Directory.Exists(OutDir)) Directory.Delete(OutDir, true);
    }
}

public sealed class TeamSummaryTests(TeamSummaryFixture f) : IClassFixture<TeamSummaryFixture>
{
    private T Get<T>() where T : notnull => f.Host.Services.GetRequiredService<T>();

    private Task<TeamSummary> T01() => Get<SummaryQuery>().LoadAsync(TeamSummaryFixture.October, "T01", default);

    private static string Squeeze(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    private static string PdfText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return Squeeze(string.Concat(document.GetPages().Select(p => p.Text)));
    }

    private async Task<byte[]> PrintAsync(TeamSummary summary) =>
        await Get<IPdfRenderer>().RenderAsync(await Get<SummaryHtml>().RenderAsync(summary), default);

    [Fact]
    public async Task The_query_reads_stored_scores_ranks_findings_overdue_actions_acknowledgements_and_the_last_syncs_quarantine()
    {
        var summary = await T01();

        Assert.Equal(("zh-CN", "华东区域销售一组", "王建国", new DateOnly(2026, 11, 1)), (summary.Locale, summary.TeamName, summary.ManagerName, summary.FilledOn));
        Assert.Equal(["revenue", "collection_rate", "new_customers", "visits", "lead_conversion", "proposals"], summary.KeyIndicators.Select(i => i.Code));
        Assert.Equal("销售额", summary.KeyIndicators[0].Name);
        // Best first; 95.0 and 95.04 print alike (95.0) and share rank 2; no score, no rank, last.
        Assert.Equal(["R002", "R004", "R005", "R001", "R006", "R003", "R007"], summary.Reps.Select(r => r.RepId));
        Assert.Equal([1, 2, 2, 4, 5, 6, null], summary.Reps.Select(r => r.Rank));
        Assert.Equal([112.0m, 95.0m, 95.04m, 82.9m, 79.5m, 64.25m, null], summary.Reps.Select(r => r.Score));
        Assert.Equal(["high", "on_track", "on_track", "on_track", "improve", "improve", null], summary.Reps.Select(r => r.Tier));
        Assert.Equal(["R002"], summary.Reps.Where(r => r.Acknowledged).Select(r => r.RepId));
        var r001 = summary.Reps.Single(r => r.RepId == "R001");
        Assert.Equal([85.0m, 83.3m, 80.0m, 83.3m, 72.0m, 83.3m], r001.Completions.Select(c => Scoring.Round1(c!.Value)));

        Assert.Equal(7, summary.Findings.Count);
        Assert.DoesNotContain(summary.Findings, x => x.Detail.Contains("其他團隊", StringComparison.Ordinal));
        var authenticity = summary.Findings.First(x => x.Kind == "authenticity");
        Assert.Equal(("R003", "OPP-0042", "赢单 70 天仍无发票"), (authenticity.RepId, authenticity.Subject, authenticity.Detail));

        var overdue = Assert.Single(summary.OverdueActions);
        Assert.Equal(("R003", "回款逾期偏多", "每周跟进对账", new DateOnly(2026, 10, 20), 12), (overdue.RepId, overdue.Problem, overdue.Action, overdue.DueOn, overdue.DaysOverdue));
        Assert.Equal(7, summary.QuarantinedRows);
    }

    [Fact]
    public async Task Without_stored_scores_the_summary_shows_no_score_tier_or_rank_just_as_each_reps_form()
    {
        var summary = await Get<SummaryQuery>().LoadAsync(TeamSummaryFixture.October, "T02", default);
        var forms = await Get<FormQuery>().LoadAsync(TeamSummaryFixture.October, summary.Reps.Select(r => r.RepId).ToList(), default);

        Assert.Equal(7, summary.Reps.Count);
        Assert.Equal("zh-TW", summary.Locale);
        foreach (var form in forms)
        {
            var row = summary.Reps.Single(r => r.RepId == form.Rep.RepId);
            Assert.Equal((null, null, null), (row.Score, row.Tier, row.Rank));
            Assert.Equal((null, null), (form.Score.Score, form.Score.Tier));
            Assert.Contains(row.Completions, c => c is not null); // the figures are there; only the score waits for compute
        }
    }

    public static TheoryData<string, string[]> Locales => new()
    {
        { "zh-CN", ["销售团队业绩汇总", "团队概况", "销售代表排名", "逾期改进措施", "团队共性问题", "数据真实性核查", "抽查样本", "新人成长对比", "重点客户风险", "配置提醒", "最近一次同步有7行源数据"] },
        { "zh-TW", ["銷售團隊業績匯總", "團隊概況", "銷售代表排名", "逾期改進措施", "團隊共性問題", "數據真實性核查", "抽查樣本", "新人成長對比", "重點客戶風險", "配置提醒", "最近一次同步有7行源數據"] },
        { "en", ["Salesteamperformancesummary", "Teamoverview", "Repranking", "Overdueimprovementactions", "Team-wideissues", "Dataauthenticitychecks",
                 "Spot-checksample", "New-hireramp", "Keyaccountrisks", "Configurationwarnings", "Thelastsyncheldback7sourcerows"] },
    };

    [Theory]
    [MemberData(nameof(Locales))]
    public async Task The_summary_PDF_prints_ranks_scores_findings_and_overdue_actions_in_each_locale(string locale, string[] words)
    {
        var summary = await T01() with { Locale = locale };

        var text = PdfText(await PrintAsync(summary));

        foreach (var word in words) Assert.Contains(word, text, StringComparison.Ordinal);
        // Rank, rep, six completions, score, tier: the first rows of the ranking table.
        var labels = FormText.For(locale);
        Assert.Contains("1张伟", text, StringComparison.Ordinal);
        Assert.Contains("4李明", text, StringComparison.Ordinal);
        Assert.Contains($"85.0%83.3%80.0%83.3%72.0%83.3%82.9{Squeeze(labels.TierOnTrack)}", text, StringComparison.Ordinal);
        Assert.Contains($"112.0{Squeeze(labels.TierHigh)}", text, StringComparison.Ordinal);
        Assert.Contains("64.3", text, StringComparison.Ordinal); // 64.25 rounds half away from zero
        foreach (var detail in new[] { "4/7名销售代表有效线索转化率完成率低于80%", "OPP-0042赢单70天仍无发票", "ACT-9001", "客户K合同于2026-12-31到期", "过程指标权重合计25，低于40" })
            Assert.Contains(detail, text, StringComparison.Ordinal);
        Assert.Contains("回款逾期偏多每周跟进对账王建国2026-10-2012", text, StringComparison.Ordinal);
        Assert.DoesNotContain("方案反复", text, StringComparison.Ordinal);
        Assert.DoesNotContain("别的团队逾期", text, StringComparison.Ordinal);
        using var document = PdfDocument.Open(await PrintAsync(summary));
        Assert.Equal($"{SummaryText.For(locale).Title} · 华东区域销售一组 · {labels.FormatPeriod(TeamSummaryFixture.October)}", document.Information.Title);
    }

    [Fact]
    public async Task The_chart_is_inline_SVG_with_a_bar_per_rep_and_the_document_has_no_script()
    {
        var summary = await T01();
        var withoutRevenue = summary.Reps[^1] with { Completions = [null, .. summary.Reps[^1].Completions.Skip(1)] };
        var html = await Get<SummaryHtml>().RenderAsync(summary with { Reps = [.. summary.Reps.SkipLast(1), withoutRevenue] });

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, html.Split("<svg").Length - 1);
        // A bar per rep with a revenue completion; the rep without one still gets a name and a dash.
        var chart = html[html.IndexOf("<svg", StringComparison.Ordinal)..html.IndexOf("</svg>", StringComparison.Ordinal)];
        Assert.Equal(6, chart.Split("<rect").Length - 1);
        Assert.Equal(7 * 2, chart.Split("<text").Length - 1);
        Assert.Contains(">李明</text>", chart, StringComparison.Ordinal);
        Assert.Contains($">{withoutRevenue.RepName}</text>", chart, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostile_strings_in_findings_are_encoded_and_print_as_text()
    {
        var html = await Get<SummaryHtml>().RenderAsync(await T01());

        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Contains(Squeeze(TeamSummaryFixture.Hostile) + Squeeze(TeamSummaryFixture.Hostile), PdfText(await PrintAsync(await T01())), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Long_finding_lists_repeat_their_header_on_the_next_page_and_long_text_wraps_inside_the_page()
    {
        var summary = await T01();
        var longWord = string.Concat(Enumerable.Repeat("ABCDEFGHIJ", 30));
        summary = summary with
        {
            Findings = [.. Enumerable.Range(1, 80).Select(i => new SummaryFinding("spot_check", "R001", "李明", null, $"ACT-{i:D4}", $"2026-10-{1 + i % 28:D2} 拜访客户{i}，45 分钟")),
                        new SummaryFinding("config_warning", null, null, null, null, longWord)],
        };

        using var document = PdfDocument.Open(await PrintAsync(summary));
        var pages = document.GetPages().ToList();

        Assert.True(pages.Count >= 3, $"expected at least 3 pages, got {pages.Count}");
        Assert.All(pages.Skip(1).Where(p => p.Text.Contains("ACT-00", StringComparison.Ordinal) && !p.Text.Contains("ACT-0001", StringComparison.Ordinal)),
            p => Assert.Contains("说明", p.Text, StringComparison.Ordinal));
        var rightEdge = pages[0].Width - 12 / 25.4 * 72 + 0.5;
        Assert.All(pages.SelectMany(p => p.Letters), l => Assert.True(l.BoundingBox.Right <= rightEdge, $"'{l.Value}' ends at {l.BoundingBox.Right:0.0} pt"));
        Assert.Contains(longWord, Squeeze(string.Concat(pages.Select(p => p.Text))), StringComparison.Ordinal);
        for (var i = 0; i < pages.Count; i++)
            Assert.Contains($"{i + 1}/{pages.Count}", Squeeze(string.Concat(pages[i].GetWords().Where(w => w.BoundingBox.Top < 51).Select(w => w.Text))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_team_job_sends_the_summary_once_to_the_manager_after_the_forms_and_not_again_on_a_rerun()
    {
        var job = Get<RenderAndDeliverJob>();

        var first = await job.RunTeamAsync("2026-10", "T01", default);
        var afterFirst = f.Smtp.Messages.ToList();
        var second = await job.RunTeamAsync("2026-10", "T01", default);

        Assert.Equal("T01: 7 sent, 0 already sent, 0 failed permanently; summary: Sent", first);
        Assert.Equal("T01: 0 sent, 7 already sent, 0 failed permanently; summary: AlreadySent", second);
        Assert.Equal(afterFirst.Count, f.Smtp.Messages.Count);
        var summary = Assert.Single(afterFirst, m => m.To.Mailboxes.Single().Address == "wang.jianguo@demo.example");
        Assert.Equal("【团队汇总】2026年10月 华东区域销售一组", summary.Subject);
        Assert.Equal(["2026-10_team_T01.pdf", "2026-10_team_T01.xlsx"], summary.Attachments.OfType<MimePart>().Select(a => a.FileName));
        // The attached workbook is the team's: its sheet and one per rep, read back from the message itself.
        using (var xlsx = new MemoryStream())
        {
            summary.Attachments.OfType<MimePart>().Last().Content!.DecodeTo(xlsx);
            var workbook = WorkbookReader.Read(xlsx.ToArray());
            var team = await T01();
            Assert.Equal([team.TeamName, .. team.Reps.Select(r => $"{r.RepName} {r.RepId}")], workbook.Sheets.Select(s => s.Name));
            Assert.Equal(["R002", "R004", "R005", "R001", "R006", "R003", "R007"], team.Reps.Select(r => r.RepId)); // by rank (95.0 and 95.04 tie at one decimal), the unscored last
        }
        var body = summary.TextBody ?? "";
        Assert.Contains("销售代表人数: 7", body, StringComparison.Ordinal);
        Assert.Contains("平均综合得分: 88.1", body, StringComparison.Ordinal); // (82.9 + 112 + 64.25 + 95 + 95.04 + 79.5) / 6
        Assert.Contains("; 销售代表 张伟;", body, StringComparison.Ordinal);
        Assert.Single(body.Split('\n'), l => l.Contains("逾期天数", StringComparison.Ordinal)); // one overdue action
        Assert.Contains("- 数据真实性核查 — 2", body, StringComparison.Ordinal);
        Assert.Equal(7, afterFirst.Count(m => m.Attachments.OfType<MimePart>().Any(a => a.FileName?.StartsWith("2026-10_R", StringComparison.Ordinal) == true)));
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(1L, await conn.ExecuteScalarAsync<long>(
            "select count(*) from reporting.delivery where kind = 'team_summary' and subject_id = 'T01' and recipient = 'wang.jianguo@demo.example' and status = 'sent'"));
        Assert.True(File.Exists(Path.Combine(f.OutDir, "forms", "2026-10_team_T01.pdf")));
    }

    [Fact]
    public async Task The_team_workbook_has_the_summarys_rows_coloured_frozen_and_filtered_and_a_sheet_per_rep_laid_out_as_the_form()
    {
        var summary = await T01();
        var forms = await Get<FormQuery>().LoadAsync(TeamSummaryFixture.October, summary.Reps.Select(r => r.RepId).ToList(), default);
        var workbook = WorkbookReader.Read(TeamWorkbook.Build(summary, forms));

        // The team sheet: the header frozen and filtered over every rep's row.
        var team = workbook[summary.TeamName];
        Assert.Equal((1d, $"A1:{WorkbookColumn(summary.KeyIndicators.Count + 6)}8"), (team.FrozenRows, team.Filter));
        Assert.Equal(["排名", "销售代表", "ID", .. summary.KeyIndicators.Select(i => i.Name + "（完成率(%)）"), "综合得分", "绩效分层", "已确认"], team.Row(1));
        Assert.Equal("销售额（完成率(%)）", team.Text("D1"));
        // R002 first (rank 1, score 112.0, acknowledged); each completion a number formatted as a percentage and coloured by how it stands.
        Assert.Equal(["1", RepName(summary), "R002"], team.Row(2).Take(3).ToList());
        var r002 = summary.Reps[0];
        for (var i = 0; i < summary.KeyIndicators.Count; i++)
        {
            var cell = team.Cells[WorkbookColumn(4 + i) + "2"];
            var completion = r002.Completions[i]!.Value;
            Assert.Equal(Math.Round(completion / 100m, 4, MidpointRounding.AwayFromZero), cell.Number);
            Assert.Equal("0.0%", cell.NumberFormat);
            Assert.Equal(completion >= 100 ? "FFDFF5E3" : completion >= 80 ? "FFFFF3C4" : "FFFDE2E1", cell.Fill);
        }
        var scoreColumn = WorkbookColumn(4 + summary.KeyIndicators.Count);
        Assert.Equal((112.0m, "0.0"), (team.Number(scoreColumn + "2"), team.Cells[scoreColumn + "2"].NumberFormat));
        Assert.Equal("是", team.Row(2)[^1]);
        Assert.Equal(["", "R007"], new[] { team.Row(8)[0], team.Row(8)[2] }); // R007 has no score, so no rank

        // A rep's sheet: the form's sections in order, its indicator lines with target, actual and completion as numbers.
        var form = forms.Single(x => x.Rep.RepId == "R003");
        var sheet = workbook[$"{form.Rep.RepName} R003"];
        Assert.Equal("销售团队业绩跟踪与反馈表", sheet.Text("A1"));
        var sections = new[] { "基本信息", "业绩指标跟踪表", "关键动作与客户记录", "问题分析与改进计划", "反馈与确认" }.Select(sheet.RowStarting).ToList();
        Assert.All(sections, row => Assert.True(row > 0));
        Assert.Equal(sections.Order().ToList(), sections);
        Assert.Equal(["填写周期", "2026年10月", "销售团队", form.Rep.TeamName], sheet.Row(sections[0] + 1));
        Assert.Equal(["指标类别", "指标名称", "目标值", "实际值", "完成率(%)", "同比/环比变化", "异常原因说明"], sheet.Row(sections[1] + 1));
        var revenue = form.Indicators.Single(i => i.Code == "revenue");
        var line = sections[1] + 2 + form.Indicators.ToList().IndexOf(revenue);
        Assert.Equal(("结果指标", "销售额（万元）"), (sheet.Text($"A{line}"), sheet.Text($"B{line}")));
        Assert.Equal((revenue.Target, revenue.Actual), (sheet.Number($"C{line}"), sheet.Number($"D{line}")));
        Assert.Equal(Math.Round(revenue.Completion!.Value / 100m, 4, MidpointRounding.AwayFromZero), sheet.Number($"E{line}"));
        // R003's open action of September, overdue, is on the plan with its cause category and due date (an Excel date).
        var plan = sheet.RowStarting("回款逾期偏多");
        Assert.True(plan > sections[3]);
        Assert.Equal(["回款逾期偏多", "[场] 客户资金紧张", "每周跟进对账", "王建国"], sheet.Row(plan).Take(4).ToList());
        Assert.Equal((decimal)new DateTime(2026, 10, 20).ToOADate(), sheet.Number($"E{plan}"));
        Assert.Equal("yyyy-mm-dd", sheet.Cells[$"E{plan}"].NumberFormat);
    }

    [Fact]
    public async Task The_team_workbook_keeps_markup_quotes_spaces_and_characters_beyond_the_basic_plane_and_leaves_out_only_what_XML_cannot_carry()
    {
        var summary = await T01();
        var forms = (await Get<FormQuery>().LoadAsync(TeamSummaryFixture.October, summary.Reps.Select(r => r.RepId).ToList(), default)).ToList();
        var i = forms.FindIndex(f => f.Rep.RepId == "R003");
        const string subject = "  <b>拜訪</b> & \"報價\" 'A&B' 𠀋 ";
        var action = new KeyActionLine("客户<甲>", null, false, "visit", subject, new DateOnly(2026, 10, 9), "进度\u0001一\f二\u001F", null);
        forms[i] = forms[i] with { KeyActions = [action] };

        var sheet = WorkbookReader.Read(TeamWorkbook.Build(summary, forms))[$"{forms[i].Rep.RepName} R003"];

        var row = sheet.RowStarting("客户<甲>");
        Assert.True(row > 0);
        // Written as it is, spaces at both ends included; a form feed, U+0001 and U+001F are left out, nothing else.
        Assert.Equal(("客户<甲>", FormText.For("zh-CN").ActionKind("visit") + ": " + subject, "进度一二"), (sheet.Text($"A{row}"), sheet.Text($"B{row}"), sheet.Text($"D{row}")));
        Assert.Equal((decimal)new DateTime(2026, 10, 9).ToOADate(), sheet.Number($"C{row}"));
        Assert.Equal("a\uD840\uDC0Bb", TeamWorkbook.XmlText("a\u0002\uD840\uDC0B\u0008b"));
        Assert.Same(subject, TeamWorkbook.XmlText(subject));
        // A sheet name is cut at 31 units, never between the halves of 𠀋.
        Assert.Equal(("abc", "ab", "ab\uD840\uDC0B"), (TeamWorkbook.Cut("abc", 31), TeamWorkbook.Cut("ab\uD840\uDC0Bc", 3), TeamWorkbook.Cut("ab\uD840\uDC0Bc", 4)));
    }

    private static string RepName(TeamSummary summary) => summary.Reps[0].IsNewHire ? $"{summary.Reps[0].RepName} (新人)" : summary.Reps[0].RepName;

    private static string WorkbookColumn(int number) => TeamWorkbook.Column(number);
}
