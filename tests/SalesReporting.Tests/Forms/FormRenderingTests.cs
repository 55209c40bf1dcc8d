using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SalesReporting.Demo;
using SalesReporting.Reports.Forms;
using SalesReporting.Reports.Rendering;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using Xunit;
using Xunit.Abstractions;

namespace SalesReporting.Tests.Forms;

/// <summary>One Chromium and one HTML renderer for every test of the class, as in production.</summary>
public sealed class FormRenderingFixture : IAsyncLifetime
{
    public FormHtml Html { get; } = new();
    public ChromiumPdfRenderer Pdf { get; } = new();

    public async Task<byte[]> RenderAsync(FeedbackForm form) =>
        await Pdf.RenderAsync(await Html.RenderAsync(form), CancellationToken.None);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Pdf.DisposeAsync();
        await Html.DisposeAsync();
    }
}

public sealed class FormRenderingTests(FormRenderingFixture fixture, ITestOutputHelper output)
    : IClassFixture<FormRenderingFixture>
{
    public static TheoryData<string, string[]> LocalesAndTitles => new()
    {
        { "zh-CN", ["销售团队业绩跟踪与反馈表", "基本信息", "业绩指标跟踪表", "关键动作与客户记录", "问题分析与改进计划", "反馈与确认"] },
        { "zh-TW", ["銷售團隊業績跟蹤與反饋表", "基本信息", "業績指標跟蹤表", "關鍵動作與客戶記錄", "問題分析與改進計劃", "反饋與確認"] },
        { "en", ["Sales performance tracking & feedback", "Basic information", "Performance indicators",
                 "Key actions and customer records", "Problem analysis and improvement plan", "Feedback and confirmation"] },
    };

    [Theory]
    [MemberData(nameof(LocalesAndTitles))]
    public async Task The_example_form_prints_its_completion_rates_section_titles_and_names_in_each_locale(
        string locale, string[] titles)
    {
        var stopwatch = Stopwatch.StartNew();
        var pdf = await fixture.RenderAsync(SampleForms.Example(locale));
        output.WriteLine($"{locale}: {pdf.Length / 1024.0:0.0} KB in {stopwatch.ElapsedMilliseconds} ms");

        var text = AllText(pdf);
        foreach (var completion in new[] { "85.0%", "83.3%", "80.0%", "72.0%" })
            Assert.Contains(completion, text, StringComparison.Ordinal);
        foreach (var title in titles)
            Assert.Contains(title, text, StringComparison.Ordinal);
        foreach (var name in new[] { "李明", "王经理", "华东区域销售一组", "客户A（制造业）", "客户B（零售业）", "新客户C（科技业）",
                     "签订年度框架合同", "合同金额5万元，待交付", "提供成本拆解数据，申请总部折扣", "每周跟进客户B财务进度，协助申请分期付款" })
            Assert.Contains(Squeeze(locale == "en" ? name.Replace('（', '(').Replace("）", ")", StringComparison.Ordinal) : name), Squeeze(text), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zh-CN", "环比 -12.0%", "环比 -8.0个百分点", "环比 持平", "2026年10月")]
    [InlineData("zh-TW", "環比 -12.0%", "環比 -8.0個百分點", "環比 持平", "2026年10月")]
    [InlineData("en", "MoM -12.0%", "MoM -8.0 pp", "MoM flat", "Oct 2026")]
    public async Task The_example_form_prints_month_on_month_changes_and_the_period_in_the_locale_words(
        string locale, string revenueMom, string collectionMom, string visitsMom, string period)
    {
        var text = AllText(await fixture.RenderAsync(SampleForms.Example(locale)));

        Assert.Contains(revenueMom, text, StringComparison.Ordinal);
        Assert.Contains(collectionMom, text, StringComparison.Ordinal);
        Assert.Contains(visitsMom, text, StringComparison.Ordinal);
        Assert.Contains(period, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("zh-TW")]
    [InlineData("en")]
    public async Task The_example_form_is_one_A4_page_of_at_most_150_KB(string locale)
    {
        var pdf = await fixture.RenderAsync(SampleForms.Example(locale));

        using var document = PdfDocument.Open(pdf);
        Assert.Equal(1, document.NumberOfPages);
        var page = document.GetPage(1);
        Assert.Equal(595, (int)page.Width);
        Assert.Equal(841, (int)page.Height);
        Assert.InRange(pdf.Length, 1, 150 * 1024);
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("zh-TW")]
    [InlineData("en")]
    public async Task The_html_is_a_complete_document_in_the_form_locale(string locale)
    {
        var html = await fixture.Html.RenderAsync(SampleForms.Example(locale));

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains($"<html lang=\"{locale}\">", html, StringComparison.Ordinal);
        Assert.EndsWith("</html>", html.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_indicator_without_a_target_prints_a_dash_and_the_reason_instead_of_zero()
    {
        var example = SampleForms.Example("zh-CN");
        var form = example with
        {
            Indicators =
            [
                example.Indicators[0] with { Target = null, Completion = null, Gap = null, NoValueReason = "no_target" },
                example.Indicators[1] with { Actual = null, Completion = null, Gap = null, Mom = null, NoValueReason = "no_actual" },
            ],
        };

        var text = Squeeze(AllText(await fixture.RenderAsync(form)));

        Assert.Contains("销售额（万元）—85—无目标同比+6.3%环比-12.0%", text, StringComparison.Ordinal);
        Assert.Contains("回款率（%）90.0——无数据—", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_feedback_section_has_signature_lines_and_the_acknowledgement_state()
    {
        var unconfirmed = AllText(await fixture.RenderAsync(SampleForms.Example("zh-CN")));
        var confirmed = AllText(await fixture.RenderAsync(SampleForms.Example("zh-CN") with
        {
            AcknowledgedAt = new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.FromHours(8)),
        }));

        Assert.Contains("销售代表签字：____________日期：____________", Squeeze(unconfirmed), StringComparison.Ordinal);
        Assert.Contains("销售经理签字：____________日期：____________", Squeeze(unconfirmed), StringComparison.Ordinal);
        Assert.Contains("确认状态：未确认", unconfirmed, StringComparison.Ordinal);
        Assert.Contains("已确认收到 2026-11-02 09:30 (UTC+8)", confirmed, StringComparison.Ordinal);
        Assert.DoesNotContain("未确认", confirmed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_header_shows_score_tier_and_new_hire_tenure()
    {
        var text = AllText(await fixture.RenderAsync(SampleForms.Example("zh-CN")));

        Assert.Contains("综合得分82.9达标中", text, StringComparison.Ordinal);
        Assert.Contains("新人 · 入职第3个月", text, StringComparison.Ordinal);
        Assert.Contains("填表日期2026-11-01", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_carried_over_overdue_action_is_marked_with_its_cause_category_and_effect()
    {
        var example = SampleForms.Example("zh-TW");
        var carried = new ActionPlanLine("客户拜访量不足", "拜访计划未按周排定", "people", "每周一提交拜访计划", "李明",
            new DateOnly(2026, 9, 30), new DateOnly(2026, 9, 15), "overdue", CarriedOver: true, Effectiveness: "not_improved");
        var form = example with { Actions = [.. example.Actions, carried] };

        var text = Squeeze(AllText(await fixture.RenderAsync(form)));

        Assert.Contains("客户拜访量不足上期延續人拜访计划未按周排定每周一提交拜访计划李明2026-09-302026-09-15已逾期效果：指標未改善", text, StringComparison.Ordinal);
        Assert.Contains("場客户B资金紧张，未及时对账", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostile_customer_names_print_as_text_and_reach_no_network()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var img = $"<img src=http://127.0.0.1:{port}/x>";
        const string script = "<script>document.title='x'</script>";
        var example = SampleForms.Example("zh-CN");
        var form = example with
        {
            KeyActions =
            [
                new KeyActionLine(img, null, IsKeyAccount: true, "visit", script, new DateOnly(2026, 10, 9),
                    $"<link rel=preconnect href=http://127.0.0.1:{port}>", null),
            ],
        };

        var html = await fixture.Html.RenderAsync(form);
        var pdf = await fixture.Pdf.RenderAsync(html, CancellationToken.None);
        await Task.Delay(300);

        Assert.False(listener.Pending(), $"Chromium connected to 127.0.0.1:{port} while printing the form.");
        Assert.DoesNotContain("<img src=http", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        var text = Squeeze(AllText(pdf));
        Assert.Contains(Squeeze(img), text, StringComparison.Ordinal);
        Assert.Contains(Squeeze(script), text, StringComparison.Ordinal);
        using var document = PdfDocument.Open(pdf);
        Assert.Equal("销售团队业绩跟踪与反馈表 · 李明 · 2026年10月", document.Information.Title);
    }

    [Fact]
    public async Task The_renderer_blocks_every_request_a_document_makes_and_still_prints_it()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var origin = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        var html = $$"""
            <!DOCTYPE html><html><head>
            <link rel="preconnect" href="{{origin}}"><link rel="prefetch" href="{{origin}}/prefetch">
            <link rel="stylesheet" href="{{origin}}/style.css">
            <style>@import url({{origin}}/import.css); body { background: url({{origin}}/bg.png) }
            @font-face { font-family: Remote; src: url({{origin}}/font.woff2) } p { font-family: Remote, sans-serif }</style>
            </head><body><p>inline only</p><img src="{{origin}}/img.png"><iframe src="{{origin}}/frame"></iframe>
            <object data="{{origin}}/object"></object><video poster="{{origin}}/poster.png"></video>
            <img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7">
            <script>document.body.append('script ran')</script></body></html>
            """;

        var pdf = await fixture.Pdf.RenderAsync(html, CancellationToken.None);
        await Task.Delay(300);

        Assert.False(listener.Pending(), $"Chromium connected to {origin} while printing.");
        var text = AllText(pdf);
        Assert.Contains("inline only", text, StringComparison.Ordinal);
        Assert.DoesNotContain("script ran", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_form_breaks_across_pages_repeating_the_table_header_and_numbering_every_page()
    {
        var example = SampleForms.Example("zh-CN");
        var form = example with
        {
            KeyActions = Enumerable.Range(1, 60)
                .Select(i => new KeyActionLine($"客户{i:D2}", "制造业", IsKeyAccount: i % 20 == 0, "visit",
                    $"第{i}次拜访，需求调研与方案沟通", new DateOnly(2026, 10, 1 + i % 28),
                    "客户反馈价格偏高，需优化报价；约定下周再次沟通并提交修订方案", "提供成本拆解数据"))
                .ToList(),
        };

        var pdf = await fixture.RenderAsync(form);

        using var document = PdfDocument.Open(pdf);
        var pages = document.GetPages().ToList();
        Assert.True(pages.Count >= 2, $"expected at least 2 pages, got {pages.Count}");
        // The key-action table continues on page 2 under its own header.
        Assert.Contains("客户/项目名称", pages[1].Text, StringComparison.Ordinal);
        Assert.Contains("需支持资源", pages[1].Text, StringComparison.Ordinal);
        for (var i = 0; i < pages.Count; i++)
            Assert.Equal($"{i + 1} / {pages.Count}", Footer(pages[i]));
        var text = string.Concat(pages.Select(p => p.Text));
        Assert.Contains("客户01（制造业）", text, StringComparison.Ordinal);
        Assert.Contains("客户60（制造业）", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Long_unbroken_text_wraps_inside_its_cell_instead_of_running_off_the_page()
    {
        var longText = string.Concat(Enumerable.Repeat("ABCDEFGHIJ", 30));
        var example = SampleForms.Example("en");
        var form = example with { Actions = [example.Actions[0] with { Action = longText }] };

        var pdf = await fixture.RenderAsync(form);

        using var document = PdfDocument.Open(pdf);
        var pages = document.GetPages().ToList();
        // Nothing may be printed into the 12 mm right margin (0.5 pt for glyph side bearings).
        var rightEdge = pages[0].Width - 12 / 25.4 * 72 + 0.5;
        Assert.All(pages.SelectMany(p => p.Letters), l => Assert.True(l.BoundingBox.Right <= rightEdge,
            $"'{l.Value}' ends at {l.BoundingBox.Right:0.0} pt, past the right margin"));
        Assert.Contains(longText, Squeeze(string.Concat(pages.Select(p => p.Text))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_Chromium_crashes_the_next_render_relaunches_it_and_succeeds()
    {
        // Its own renderer: killing the shared browser would fail the other tests running beside this one.
        await using var renderer = new ChromiumPdfRenderer();
        var html = await fixture.Html.RenderAsync(SampleForms.Example("zh-CN"));
        await renderer.RenderAsync(html, CancellationToken.None);
        var firstPid = renderer.BrowserProcessId ?? throw new InvalidOperationException("no browser after a render");

        using (var chromium = Process.GetProcessById(firstPid))
        {
            chromium.Kill(entireProcessTree: true);
            await chromium.WaitForExitAsync();
        }
        var pdf = await renderer.RenderAsync(html, CancellationToken.None);

        Assert.NotEqual(firstPid, renderer.BrowserProcessId);
        Assert.Contains("85.0%", AllText(pdf), StringComparison.Ordinal);
    }

    private static string AllText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(p => p.Text));
    }

    /// <summary>The footer line: the words in the bottom margin (18 mm ≈ 51 pt), left to right.</summary>
    private static string Footer(Page page) =>
        string.Join(" ", page.GetWords()
            .Where(w => w.BoundingBox.Top < 51)
            .OrderBy(w => w.BoundingBox.Left)
            .Select(w => w.Text));

    /// <summary>Text without whitespace: a cell that wraps a string onto two lines still contains it.</summary>
    private static string Squeeze(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
}
