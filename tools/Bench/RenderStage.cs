using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using PuppeteerSharp;
using SalesReporting.Data;
using System.Globalization;
using SalesReporting.Reports.Forms;
using SalesReporting.Reports.Summary;
using SalesReporting.Reports.Rendering;

namespace SalesReporting.Bench;

/// <summary>The forms printed by the render stage, for the deliver stage, and the pages its floor printed.</summary>
internal sealed record Rendered(IReadOnlyList<(FeedbackForm Form, byte[] Pdf)> Printed, long FloorPages);

/// <summary>The render stage: FormQuery → FormHtml → RenderManyAsync for the bench reps' forms, and RenderAsync one
/// form per call, against the same documents printed by bare Chromium at its best (one print, or a print per page slot).</summary>
internal sealed class RenderStage(BenchContext bench)
{
    private readonly Period period = bench.Period;

    public async Task<Rendered> RunAsync(CancellationToken ct)
    {
        var query = bench.Services.GetRequiredService<FormQuery>();
        var html = bench.Services.GetRequiredService<FormHtml>();
        var pdf = bench.Services.GetRequiredService<IPdfRenderer>();
        var repIds = await bench.RepsAsync(bench.Settings.Forms, ct);
        var task = bench.Progress.Start($"render: {repIds.Count} forms (FormQuery → FormHtml → RenderManyAsync)", repIds.Count);

        // Chromium is launched before the clock starts, for the pipeline as for the floor.
        await pdf.RenderAsync("<!DOCTYPE html><html><body>warm-up</body></html>", ct);

        var sw = Stopwatch.StartNew();
        var forms = await query.LoadAsync(period, repIds, ct);
        var loaded = sw.Elapsed;
        var documents = new List<string>(forms.Count);
        foreach (var form in forms) documents.Add(await html.RenderAsync(form));
        var htmlDone = sw.Elapsed;
        string printing;
        IReadOnlyList<byte[]> pdfs;
        using (var meter = new RenderMeter(pdf))
        {
            pdfs = await pdf.RenderManyAsync(documents, ct);
            printing = meter.Describe();
        }
        var total = sw.Elapsed;
        task.Value = forms.Count;
        task.Complete($"render: {forms.Count} forms in {total.TotalSeconds:N1} s");
        if (forms.Count != repIds.Count) bench.Notes.Add($"render: {repIds.Count} reps asked, {forms.Count} forms loaded");

        var naive = Math.Min(bench.Settings.NaiveForms, documents.Count);
        task = bench.Progress.Start($"render naive: {naive} forms one RenderAsync each", naive);
        sw.Restart();
        for (var i = 0; i < naive; i++) { await pdf.RenderAsync(documents[i], ct); task.Increment(1); }
        var naiveTime = sw.Elapsed;
        task.Complete($"render naive: {naive} forms in {naiveTime.TotalSeconds:N1} s");

        var floor = await FloorAsync(documents, ct);

        bench.Figures.Add(new BenchFigure("render (RenderManyAsync)", "forms", forms.Count, total, floor.Name, documents.Count, floor.Time,
            $"FormQuery {loaded.TotalSeconds:N1} s, FormHtml {(htmlDone - loaded).TotalSeconds:N1} s, PDF {(total - htmlDone).TotalSeconds:N1} s ({printing}); " +
            $"PDF size {pdfs.Average(p => p.Length) / 1024:N0} KB on average, {pdfs.Max(p => p.Length) / 1024:N0} KB at most; floor {floor.Pages} pages ({floor.Both})"));
        bench.Figures.Add(new BenchFigure("render naive (RenderAsync each)", "forms", naive, naiveTime, floor.Name, documents.Count, floor.Time, "HTML ready; printing only"));
        await SummariesAsync(pdf, ct);
        return new Rendered([.. forms.Zip(pdfs)], floor.Pages);
    }

    /// <summary>Teams whose summaries the render stage prints: a month-end prints one per team.</summary>
    private const int SummaryTeams = 20;

    /// <summary>
    /// Team summaries as month-end prints them: SummaryQuery → SummaryHtml → one RenderAsync per team (a team job
    /// prints its summary alone), against the same summaries printed by bare Chromium at its best. A summary is
    /// many pages where a form is two, so the month-end's floor counts its summaries at this floor's rate.
    /// </summary>
    private async Task SummariesAsync(IPdfRenderer pdf, CancellationToken ct)
    {
        var summaries = bench.Services.GetRequiredService<SummaryQuery>();
        var summaryHtml = bench.Services.GetRequiredService<SummaryHtml>();
        var teams = (await bench.Services.GetRequiredService<FormQuery>().ActiveRepsAsync(ct))
            .Select(r => r.TeamId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(SummaryTeams).ToList();
        var task = bench.Progress.Start($"render summaries: {teams.Count} team summaries, one RenderAsync each, all at once", teams.Count);
        var sw = Stopwatch.StartNew();
        // As team jobs print them: each its own SummaryQuery, SummaryHtml and RenderAsync, side by side for the renderer's page slots.
        var printed = await Task.WhenAll(teams.Select(async team =>
        {
            var summary = await summaries.LoadAsync(period, team, ct);
            var html = await summaryHtml.RenderAsync(summary);
            await pdf.RenderAsync(html, ct);
            lock (task) task.Increment(1);
            return (Summary: summary, Html: html);
        }));
        var time = sw.Elapsed;
        task.Complete($"render summaries: {teams.Count} in {time.TotalSeconds:N1} s");
        var documents = printed.Select(p => p.Html).ToArray();
        var workbooks = await WorkbooksAsync([.. printed.Select(p => p.Summary)], ct);

        // A summary prints alone: the font subset of its PDF holds only its own team's characters (docs/jobs.md). Its floor
        // does the same: bare Chromium, one print per summary, as many at once as the renderer has page slots.
        var side = Slots(documents.Length);
        task = bench.Progress.Start($"render summaries floor: bare Chromium, one print per summary, {side} at once", 1);
        var (floorTime, pages) = await BareChromiumAsync([.. documents.Select(d => (IReadOnlyList<string>)[d])], side, ct);
        task.Complete($"render summaries floor: {documents.Length} summaries ({pages} pages) in {floorTime.TotalSeconds:N1} s");
        bench.Figures.Add(new BenchFigure("render summaries (RenderAsync each)", "summaries", teams.Count, time, $"bare Chromium, one print per summary, {side} at once", teams.Count, floorTime,
            string.Create(CultureInfo.InvariantCulture, $"a team's summary as its team job prints it, SummaryQuery and SummaryHtml included, {teams.Count} team jobs at once; floor {pages} pages ({(double)pages / teams.Count:N1} per summary); {workbooks}")));
    }

    /// <summary>The team workbooks the same team jobs attach to their summaries (TeamWorkbook.Build: a sheet for the team and
    /// one per rep), built one after the other on one thread, their forms read first, untimed: the worker's CPU per workbook.</summary>
    private async Task<string> WorkbooksAsync(IReadOnlyList<TeamSummary> teams, CancellationToken ct)
    {
        var query = bench.Services.GetRequiredService<FormQuery>();
        var forms = new List<IReadOnlyList<FeedbackForm>>();
        foreach (var team in teams) forms.Add(await query.LoadAsync(period, [.. team.Reps.Select(r => r.RepId)], ct));
        TeamWorkbook.Build(teams[0], forms[0]); // the first build pays for loading and compiling the Open XML code
        var task = bench.Progress.Start($"team workbooks: {teams.Count}, one after the other", teams.Count);
        var sw = Stopwatch.StartNew();
        long bytes = 0;
        for (var i = 0; i < teams.Count; i++) { bytes += TeamWorkbook.Build(teams[i], forms[i]).Length; task.Increment(1); }
        var time = sw.Elapsed;
        var sheets = forms.Sum(f => f.Count);
        task.Complete($"team workbooks: {teams.Count} in {time.TotalSeconds:N2} s");
        return string.Create(CultureInfo.InvariantCulture,
            $"team workbooks (TeamWorkbook.Build, one thread): {teams.Count} with {sheets} rep sheets in {time.TotalSeconds:N2} s, {time.TotalMilliseconds / sheets:N1} ms a rep sheet, {bytes / teams.Count / 1024:N0} KB each");
    }

    /// <summary>The renderer's page slots (prints at once), or fewer when there are fewer documents.</summary>
    private int Slots(int documents) => Math.Min(bench.Services.GetRequiredService<ChromiumOptions>().MaxConcurrentPages, documents);

    private sealed record Floor(string Name, TimeSpan Time, long Pages, string Both);

    /// <summary>
    /// Bare Chromium's best on this machine for these forms: one print of them all, and the renderer's number of pages at
    /// once (<see cref="ChromiumOptions.MaxConcurrentPages"/>) each printing an equal share, both measured; the faster is
    /// the floor. One print does the least work; on more than one core, prints side by side can take less time.
    /// </summary>
    private async Task<Floor> FloorAsync(IReadOnlyList<string> documents, CancellationToken ct)
    {
        var side = Slots(documents.Count);
        var task = bench.Progress.Start($"render floor: bare Chromium, {documents.Count} forms in one print, then in {side} at once", 2);
        var (one, pages) = await BareChromiumAsync([documents], 1, ct);
        task.Increment(1);
        // Equal shares, in order: 500 on 4 pages is 125 each, 10 is 2 + 3 + 2 + 3.
        var shares = Enumerable.Range(0, side).Select(k => (IReadOnlyList<string>)documents
            .Skip(k * documents.Count / side).Take((k + 1) * documents.Count / side - k * documents.Count / side).ToList()).ToList();
        var (parallel, _) = side > 1 ? await BareChromiumAsync(shares, side, ct) : (one, pages);
        var both = string.Create(CultureInfo.InvariantCulture, $"bare Chromium: one print {one.TotalSeconds:N1} s, {side} prints at once {parallel.TotalSeconds:N1} s");
        task.Complete($"render floor: {documents.Count} forms ({pages} pages): {both}");
        return side > 1 && parallel < one
            ? new Floor($"bare Chromium, {side} prints at once", parallel, pages, both)
            : new Floor("bare Chromium, one print", one, pages, both);
    }

    /// <summary>
    /// The floor of printing: each print's documents' bodies in one document under its first one's head, a page break
    /// between them (a document alone as it is), printed by one PuppeteerSharp call, on <paramref name="pages"/> pages of an already running browser
    /// at once, each page taking the next print when done; the time until the last is printed, and the pages printed.
    /// </summary>
    private async Task<(TimeSpan Time, long Pages)> BareChromiumAsync(IReadOnlyList<IReadOnlyList<string>> prints, int pages, CancellationToken ct)
    {
        var chromium = bench.Services.GetRequiredService<ChromiumOptions>();
        var joined = new System.Collections.Concurrent.ConcurrentQueue<string>(prints.Select(part =>
        {
            // A document alone prints as it is; several under the first one's head.
            if (part.Count == 1) return part[0];
            var head = part[0][..part[0].IndexOf("<body", StringComparison.OrdinalIgnoreCase)];
            var html = new System.Text.StringBuilder(head).Append("<body>");
            foreach (var d in part)
            {
                var open = d.IndexOf('>', d.IndexOf("<body", StringComparison.OrdinalIgnoreCase)) + 1;
                var close = d.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
                html.Append("<div style=\"break-after:page\">").Append(d, open, close - open).Append("</div>");
            }
            return html.Append("</body></html>").ToString();
        }));

        var userData = Path.Combine(Path.GetTempPath(), "salesreporting-bench-" + Guid.NewGuid().ToString("N"));
        var timeout = (int)TimeSpan.FromMinutes(20).TotalMilliseconds;
        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = chromium.ExecutablePath, Headless = true, UserDataDir = userData, Args = [.. ChromiumPdfRenderer.LaunchArgs], ProtocolTimeout = timeout,
        });
        try
        {
            var tabs = new List<IPage>();
            for (var i = 0; i < pages; i++)
            {
                var tab = await browser.NewPageAsync();
                await tab.SetJavaScriptEnabledAsync(false);
                tabs.Add(tab);
            }
            var printed = new System.Collections.Concurrent.ConcurrentBag<byte[]>();
            var sw = Stopwatch.StartNew();
            await Task.WhenAll(tabs.Select(async tab =>
            {
                while (joined.TryDequeue(out var html))
                {
                    await tab.SetContentAsync(html, new SetContentOptions { WaitUntil = [WaitUntilNavigation.Load], Timeout = timeout, CancellationToken = ct });
                    // As the renderer prints one form, page numbers and all, so the browser does the same work per page.
                    printed.Add(await tab.PdfDataAsync(ChromiumPdfRenderer.PrintOptions(pageNumbers: true, timeout)).WaitAsync(ct));
                }
            }));
            var elapsed = sw.Elapsed;
            return (elapsed, printed.Sum(bytes =>
            {
                using var doc = UglyToad.PdfPig.PdfDocument.Open(bytes);
                return (long)doc.NumberOfPages;
            }));
        }
        finally
        {
            await browser.CloseAsync();
            try { Directory.Delete(userData, true); } catch (IOException) { /* a profile left in /tmp is harmless */ }
        }
    }
}
