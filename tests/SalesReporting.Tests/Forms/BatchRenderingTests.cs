using System.Diagnostics;
using SalesReporting.Demo;
using SalesReporting.Reports.Forms;
using SalesReporting.Reports.Rendering;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;

namespace SalesReporting.Tests.Forms;

/// <summary>One Chromium with small batches (so a handful of forms already spans several prints) for the class.</summary>
public sealed class BatchRenderingFixture : IAsyncLifetime
{
    public FormHtml Html { get; } = new();
    public ChromiumPdfRenderer Pdf { get; } = new(new ChromiumOptions { BatchSize = 4, MaxConcurrentPages = 2 });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Pdf.DisposeAsync();
        await Html.DisposeAsync();
    }
}

public sealed class BatchRenderingTests(BatchRenderingFixture fixture) : IClassFixture<BatchRenderingFixture>
{
    private static FeedbackForm Form(string locale, string repId, string repName, int keyActions = 0)
    {
        var example = SampleForms.Example(locale);
        return example with
        {
            Rep = example.Rep with { RepId = repId, RepName = repName },
            KeyActions = keyActions == 0 ? example.KeyActions : Enumerable.Range(1, keyActions)
                .Select(i => new KeyActionLine($"{repName}的客户{i:D2}", "制造业", IsKeyAccount: false, "visit",
                    $"第{i}次拜访，需求调研与方案沟通", new DateOnly(2026, 10, 1 + i % 28),
                    "客户反馈价格偏高，需优化报价；约定下周再次沟通并提交修订方案", "提供成本拆解数据"))
                .ToList(),
        };
    }

    [Fact]
    public async Task Forms_of_different_lengths_in_one_batch_come_back_as_the_same_PDFs_as_printed_one_by_one()
    {
        FeedbackForm[] forms = [Form("zh-CN", "R101", "赵一"), Form("zh-CN", "R102", "钱二", keyActions: 60), Form("zh-CN", "R103", "孙三")];
        var html = new List<string>();
        foreach (var form in forms) html.Add(await fixture.Html.RenderAsync(form));

        var batch = await fixture.Pdf.RenderManyAsync(html, CancellationToken.None);
        var alone = new List<byte[]>();
        foreach (var document in html) alone.Add(await fixture.Pdf.RenderAsync(document, CancellationToken.None));

        Assert.Equal(3, batch.Count);
        for (var i = 0; i < forms.Length; i++)
        {
            using var together = PdfDocument.Open(batch[i]);
            using var single = PdfDocument.Open(alone[i]);
            Assert.Equal(single.NumberOfPages, together.NumberOfPages);
            Assert.Equal(single.GetPages().Select(p => p.Text), together.GetPages().Select(p => p.Text));
            Assert.Equal($"销售团队业绩跟踪与反馈表 · {forms[i].Rep.RepName} · 2026年10月", together.Information.Title);
        }
        using (var first = PdfDocument.Open(batch[0])) Assert.Equal(1, first.NumberOfPages);
        using (var third = PdfDocument.Open(batch[2])) Assert.Equal(1, third.NumberOfPages);
    }

    [Fact]
    public async Task Each_form_of_a_batch_numbers_its_own_pages_and_shows_only_its_own_rep()
    {
        FeedbackForm[] forms = [Form("zh-TW", "R201", "周四"), Form("zh-TW", "R202", "吳五", keyActions: 60), Form("zh-TW", "R203", "鄭六", keyActions: 60)];
        var html = new List<string>();
        foreach (var form in forms) html.Add(await fixture.Html.RenderAsync(form));

        var pdfs = await fixture.Pdf.RenderManyAsync(html, CancellationToken.None);

        var pageCounts = new List<int>();
        for (var i = 0; i < forms.Length; i++)
        {
            using var document = PdfDocument.Open(pdfs[i]);
            var pages = document.GetPages().ToList();
            pageCounts.Add(pages.Count);
            for (var p = 0; p < pages.Count; p++)
            {
                Assert.Equal($"{p + 1} / {pages.Count}", Footer(pages[p]));
                // Centred on the page, as Chromium centres its own footer.
                var footer = pages[p].GetWords().Where(w => w.BoundingBox.Top < 51).ToList();
                var centre = (footer.Min(w => w.BoundingBox.Left) + footer.Max(w => w.BoundingBox.Right)) / 2;
                Assert.InRange(centre, pages[p].Width / 2 - 2, pages[p].Width / 2 + 2);
            }
            var text = string.Concat(pages.Select(p => p.Text));
            Assert.Contains(forms[i].Rep.RepName, text, StringComparison.Ordinal);
            foreach (var other in forms.Where(f => f != forms[i]))
                Assert.DoesNotContain(other.Rep.RepName, text, StringComparison.Ordinal);
            // Every form counts its own sections from 1: the section counter does not run on across the batch.
            Assert.Contains("1. 基本信息", text, StringComparison.Ordinal);
            Assert.Contains("2. " + FormText.For("zh-TW").SectionIndicators, text, StringComparison.Ordinal);
            Assert.Contains("5. " + FormText.For("zh-TW").SectionFeedback, text, StringComparison.Ordinal);
            Assert.DoesNotContain("6. 基本信息", text, StringComparison.Ordinal);
            // The marker links that locate each form in the batch do not travel into the form.
            Assert.All(pages, p => Assert.Empty(p.GetAnnotations()));
        }
        Assert.Equal(1, pageCounts[0]);
        Assert.All(pageCounts.Skip(1), c => Assert.True(c >= 2, $"a 60-visit form has {c} page(s)"));
    }

    [Fact]
    public async Task Poppler_extracts_each_forms_own_text_and_page_numbers()
    {
        FeedbackForm[] forms = [Form("en", "R301", "Alice Walker", keyActions: 60), Form("en", "R302", "Bob Stone")];
        var html = new List<string>();
        foreach (var form in forms) html.Add(await fixture.Html.RenderAsync(form));

        var pdfs = await fixture.Pdf.RenderManyAsync(html, CancellationToken.None);
        var first = await PdfToTextAsync(pdfs[0]);
        var second = await PdfToTextAsync(pdfs[1]);

        using var firstPdf = PdfDocument.Open(pdfs[0]);
        var pages = firstPdf.NumberOfPages;
        Assert.True(pages >= 2, $"a 60-visit form has {pages} page(s)");
        Assert.Contains("Alice Walker", first, StringComparison.Ordinal);
        Assert.DoesNotContain("Bob Stone", first, StringComparison.Ordinal);
        for (var p = 1; p <= pages; p++) Assert.Contains($"{p} / {pages}", first, StringComparison.Ordinal);
        Assert.Contains("Bob Stone", second, StringComparison.Ordinal);
        Assert.Contains("1 / 1", second, StringComparison.Ordinal);
        Assert.Contains("85.0%", second, StringComparison.Ordinal);
        Assert.Contains("83.3%", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_forms_than_a_batch_in_three_locales_come_back_in_order_each_with_its_own_rep()
    {
        var locales = new[] { "zh-CN", "zh-TW", "en" };
        var forms = Enumerable.Range(0, 14).Select(i => Form(locales[i % 3], $"R4{i:D2}", $"Rep{i:D2}")).ToList();
        var html = new List<string>();
        foreach (var form in forms) html.Add(await fixture.Html.RenderAsync(form));

        var pdfs = await fixture.Pdf.RenderManyAsync(html, CancellationToken.None);

        Assert.Equal(forms.Count, pdfs.Count);
        for (var i = 0; i < forms.Count; i++)
        {
            using var document = PdfDocument.Open(pdfs[i]);
            var text = string.Concat(document.GetPages().Select(p => p.Text));
            var others = forms.Where((_, k) => k != i).Select(f => f.Rep.RepName);
            Assert.Contains(forms[i].Rep.RepName, text, StringComparison.Ordinal);
            Assert.All(others, o => Assert.DoesNotContain(o, text, StringComparison.Ordinal));
            Assert.Contains(FormText.For(forms[i].Locale).Title, text, StringComparison.Ordinal);
            Assert.Equal("1 / 1", Footer(document.GetPage(1)));
            // Poppler reads the cut PDF without a warning, its CJK title and text included.
            var poppler = await PdfToTextAsync(pdfs[i]);
            Assert.Contains(FormText.For(forms[i].Locale).Title, poppler, StringComparison.Ordinal);
            Assert.Contains(forms[i].Rep.RepName, poppler, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Forms_of_one_team_printed_in_a_batch_stay_under_150_KB_each()
    {
        var names = new[] { "李明", "王芳", "张伟", "刘洋", "陈静", "杨磊", "黄敏", "赵强", "周杰", "吴霞", "徐涛", "孙丽" };
        var html = new List<string>();
        for (var i = 0; i < names.Length; i++) html.Add(await fixture.Html.RenderAsync(Form("zh-CN", $"R5{i:D2}", names[i])));

        var pdfs = await fixture.Pdf.RenderManyAsync(html, CancellationToken.None);

        Assert.All(pdfs, pdf => Assert.InRange(pdf.Length, 1, 150 * 1024));
    }

    [Fact]
    public async Task Forms_full_of_their_own_characters_are_batched_apart_so_none_carries_the_others_glyphs()
    {
        // 150 different characters in each form's notes: six such forms together would need ~1,100 glyphs,
        // past the point where Chromium embeds the whole 9 MB font; within the budget each stays small.
        var html = new List<string>();
        var notes = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var note = new string(Enumerable.Range(0, 150).Select(k => (char)(0x4E00 + 37 * (i * 150 + k) % 20000)).ToArray());
            notes.Add(note);
            var form = Form("zh-CN", $"R9{i}", $"Rep9{i}");
            html.Add(await fixture.Html.RenderAsync(form with { KeyActions = [form.KeyActions[0] with { Progress = note }] }));
        }

        var pdfs = await fixture.Pdf.RenderManyAsync(html, CancellationToken.None);

        for (var i = 0; i < pdfs.Count; i++)
        {
            Assert.InRange(pdfs[i].Length, 1, 150 * 1024);
            using var document = PdfDocument.Open(pdfs[i]);
            Assert.Contains(notes[i], string.Concat(document.GetPage(1).Text.Where(c => !char.IsWhiteSpace(c))), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Packing_keeps_order_evens_out_batch_sizes_and_closes_a_batch_before_the_glyph_budget_is_passed()
    {
        static IReadOnlySet<char> G(string s) => s.ToHashSet();
        var even = ChromiumPdfRenderer.Pack(Enumerable.Range(0, 12).Select(i => (i, G("甲乙"))).ToList(), size: 5, glyphBudget: 100).ToList();
        var budget = ChromiumPdfRenderer.Pack([(0, G("甲乙丙")), (1, G("甲乙")), (2, G("丁戊")), (3, G("己庚辛壬癸子丑")), (4, G("丑"))], size: 10, glyphBudget: 5).ToList();

        Assert.Equal([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]], even);
        // 0-2 share five glyphs; 3 alone is over the budget and prints alone; 4 would join it past the budget.
        Assert.Equal([[0, 1, 2], [3], [4]], budget);
    }

    [Fact]
    public async Task A_batch_print_missing_a_forms_start_is_refused_instead_of_cut_wrong()
    {
        var documents = new List<BatchDocument>();
        foreach (var name in new[] { "赵一", "钱二" })
            documents.Add(BatchDocument.TryParse(await fixture.Html.RenderAsync(Form("zh-CN", "R6", name)))!);
        // The second form's marker is gone, as if Chromium had dropped the form: its pages cannot be told apart.
        var combined = BatchDocument.Combine(documents).Replace($"#{BatchDocument.MarkerPrefix}1\"", "#elsewhere\"", StringComparison.Ordinal);
        var printed = await fixture.Pdf.RenderAsync(combined, CancellationToken.None);

        var error = Assert.Throws<InvalidOperationException>(() => BatchPdf.Split(printed, documents));
        Assert.Contains("Document 2 of 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_that_swallows_the_next_ones_fails_the_whole_call_with_its_own_error()
    {
        var html = new List<string>();
        for (var i = 0; i < 10; i++) html.Add(await fixture.Html.RenderAsync(Form("zh-CN", $"R7{i:D2}", $"Rep7{i:D2}")));
        // An unclosed comment hides every later form of its batch, markers included.
        html[1] = html[1].Replace("<body>", "<body><!--", StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Pdf.RenderManyAsync(html, CancellationToken.None));

        Assert.Contains("left no start marker", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_with_links_of_its_own_prints_alone_and_keeps_them()
    {
        const string withLink = """<!DOCTYPE html><html><head><title>linked</title></head><body><p><a href="https://example.com/x">see</a></p></body></html>""";
        var form = await fixture.Html.RenderAsync(Form("zh-CN", "R701", "冯七"));

        var pdfs = await fixture.Pdf.RenderManyAsync([withLink, form], CancellationToken.None);

        Assert.Null(BatchDocument.TryParse(withLink));
        using var linked = PdfDocument.Open(pdfs[0]);
        Assert.Equal("https://example.com/x", Assert.Single(linked.GetPage(1).GetHyperlinks()).Uri);
        using var other = PdfDocument.Open(pdfs[1]);
        Assert.Contains("冯七", other.GetPage(1).Text, StringComparison.Ordinal);
        Assert.DoesNotContain("see", other.GetPage(1).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_Chromium_crashes_a_batch_relaunches_it_and_prints_every_form()
    {
        await using var renderer = new ChromiumPdfRenderer(new ChromiumOptions { BatchSize = 3 });
        var html = new List<string>();
        foreach (var name in new[] { "赵一", "钱二", "孙三" }) html.Add(await fixture.Html.RenderAsync(Form("zh-CN", "R8", name)));
        await renderer.RenderAsync(html[0], CancellationToken.None);
        using (var chromium = Process.GetProcessById(renderer.BrowserProcessId ?? throw new InvalidOperationException("no browser")))
        {
            chromium.Kill(entireProcessTree: true);
            await chromium.WaitForExitAsync();
        }

        var pdfs = await renderer.RenderManyAsync(html, CancellationToken.None);

        Assert.Equal(3, pdfs.Count);
        using var last = PdfDocument.Open(pdfs[2]);
        Assert.Contains("孙三", last.GetPage(1).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_kept_for_the_next_document_prints_it_alone_and_still_blocks_its_requests_and_script()
    {
        await using var renderer = new ChromiumPdfRenderer(new ChromiumOptions { MaxConcurrentPages = 1 });
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var origin = $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}";
        var hostile = $$"""
            <!DOCTYPE html><html><head><link rel="stylesheet" href="{{origin}}/style.css"></head>
            <body><p>second document</p><img src="{{origin}}/img.png"><script>document.body.append('script ran')</script></body></html>
            """;

        using var first = PdfDocument.Open(await renderer.RenderAsync(await fixture.Html.RenderAsync(Form("zh-CN", "R12", "郑八")), CancellationToken.None));
        using var second = PdfDocument.Open(await renderer.RenderAsync(hostile, CancellationToken.None));
        using var third = PdfDocument.Open(await renderer.RenderAsync(await fixture.Html.RenderAsync(Form("zh-CN", "R13", "王九")), CancellationToken.None));
        await Task.Delay(300);

        // One page printed all three, one after the other.
        Assert.Equal(1, renderer.PagesOpened);
        Assert.Contains("郑八", first.GetPage(1).Text, StringComparison.Ordinal);
        Assert.False(listener.Pending(), $"Chromium connected to {origin} from a page kept for reuse.");
        var secondText = string.Concat(second.GetPages().Select(p => p.Text));
        Assert.Contains("second document", secondText, StringComparison.Ordinal);
        Assert.DoesNotContain("script ran", secondText, StringComparison.Ordinal);
        Assert.DoesNotContain("郑八", secondText, StringComparison.Ordinal);
        var thirdText = string.Concat(third.GetPages().Select(p => p.Text));
        Assert.Contains("王九", thirdText, StringComparison.Ordinal);
        Assert.DoesNotContain("郑八", thirdText, StringComparison.Ordinal);
        Assert.DoesNotContain("second document", thirdText, StringComparison.Ordinal);
    }

    /// <summary>The footer line: the words in the bottom margin (18 mm ≈ 51 pt), left to right.</summary>
    private static string Footer(Page page) =>
        string.Join(" ", page.GetWords().Where(w => w.BoundingBox.Top < 51).OrderBy(w => w.BoundingBox.Left).Select(w => w.Text));

    /// <summary>Poppler's text in content order: its layout modes close up the spaces of a small footer
    /// ("1/2", for Chromium's own footer as well), -raw keeps them. Poppler reports a file it had to repair (a wrong
    /// offset, a length, a broken object) on stderr: a cut PDF must read without a word there.</summary>
    private static async Task<string> PdfToTextAsync(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"sr-batch-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pdftotext", ["-raw", path, "-"]) { RedirectStandardOutput = true, RedirectStandardError = true })
                ?? throw new InvalidOperationException("pdftotext did not start");
            var error = process.StandardError.ReadToEndAsync();
            var text = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.Equal(0, process.ExitCode);
            Assert.Equal("", await error);
            return text;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
