using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.ExceptionServices;
using PuppeteerSharp;
using PuppeteerSharp.Media;

namespace SalesReporting.Reports.Rendering;

/// <summary>
/// Prints HTML to PDF with the installed headless Chromium. One browser per process, launched on first
/// use and relaunched if it has died; a page per print slot, kept for the next document. The page runs no script and loads
/// nothing: every request other than an inline <c>data:</c> URL is aborted, so a form cannot reach the
/// network whatever its data contains. Many documents print in one page as a batch and are cut apart
/// afterwards (<see cref="RenderManyAsync"/>), because nearly all of a print's cost is fixed.
/// </summary>
public sealed class ChromiumPdfRenderer : IPdfRenderer, IAsyncDisposable
{
    private static readonly string[] Args =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--font-render-hinting=none",
        // Request interception never sees <link rel=preconnect> or rel=prefetch: Chromium opens those
        // sockets itself. Routing everything, loopback included, through a proxy on the closed discard
        // port means such a socket goes nowhere.
        "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
    ];

    // The header must not be empty: Chromium replaces an empty template with its default (date and title).
    private const string HeaderTemplate = "<span></span>";

    private const string FooterTemplate =
        """<div style="width:100%;text-align:center;font-size:8px;color:#7b8794;font-family:'WenQuanYi Zen Hei',sans-serif;">"""
        + """<span class="pageNumber"></span> / <span class="totalPages"></span></div>""";

    /// <summary>The browser's switches; the bench's bare-Chromium floor launches with the same.</summary>
    public static IReadOnlyList<string> LaunchArgs => Args;

    /// <summary>How a form is printed: A4, its margins, and "page / pages" at the foot when asked. The bench's floor prints the same way.</summary>
    public static PdfOptions PrintOptions(bool pageNumbers, int timeoutMs) => new()
    {
        Format = PaperFormat.A4,
        PrintBackground = true,
        DisplayHeaderFooter = pageNumbers,
        HeaderTemplate = HeaderTemplate,
        FooterTemplate = FooterTemplate,
        MarginOptions = new MarginOptions { Top = "14mm", Bottom = "18mm", Left = "12mm", Right = "12mm" },
        // The structure tree of a tagged PDF is a quarter of a one-page form's bytes; forms are read, not navigated.
        Tagged = false,
        Timeout = timeoutMs,
    };

    /// <summary>The renderer's meter: what its prints and cuts cost, for a metrics exporter or the bench.</summary>
    public const string MeterName = "SalesReporting.Rendering";

    // One meter per renderer (its scope), so a listener can tell this renderer's prints from another's in the same process.
    private readonly Meter _meter;
    private readonly Histogram<double> _printSeconds;
    private readonly Histogram<double> _cutSeconds;
    private readonly Histogram<int> _batchDocuments;

    private readonly ChromiumOptions _options;
    private readonly SemaphoreSlim _launchLock = new(1, 1);
    private readonly SemaphoreSlim _pages;
    // Pages that printed and wait for the next document, at most one per page slot: a new page costs Chromium a new
    // renderer each time. Each with its browser, so a page of a browser since relaunched is never used.
    private readonly System.Collections.Concurrent.ConcurrentBag<(IBrowser Browser, IPage Page)> _idlePages = [];
    private IBrowser? _browser;
    private string? _userDataDir;
    private bool _disposed;

    public ChromiumPdfRenderer() : this(new ChromiumOptions())
    {
    }

    public ChromiumPdfRenderer(ChromiumOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Problems().FirstOrDefault() is { } problem) throw new ArgumentException(problem, nameof(options));
        _options = options;
        _pages = new SemaphoreSlim(options.MaxConcurrentPages, options.MaxConcurrentPages);
        _meter = new Meter(new MeterOptions(MeterName) { Scope = this });
        _printSeconds = _meter.CreateHistogram<double>("salesreporting.pdf.print.duration", "s",
            "One successful Chromium print, from a free page slot: a new page, the document loaded, printed to PDF (a relaunch after a crash included).");
        _cutSeconds = _meter.CreateHistogram<double>("salesreporting.pdf.cut.duration", "s", "One printed batch cut into a PDF per document (BatchPdf).");
        _batchDocuments = _meter.CreateHistogram<int>("salesreporting.pdf.batch.documents", "{document}", "Documents in one successful print.");
    }

    public async Task<byte[]> RenderAsync(string html, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(html);
        return (await RenderManyAsync([html], ct))[0];
    }

    /// <summary>
    /// Prints documents that share a head (the same template and locale) together, up to
    /// <see cref="ChromiumOptions.BatchSize"/> per Chromium print and within
    /// <see cref="ChromiumOptions.BatchGlyphBudget"/> distinct characters, and cuts the result into one PDF per
    /// document with its own "x / y" page numbers. Each print costs a fixed ~200 ms whatever its length,
    /// so a batch costs little more than one form. A document that cannot join a batch prints alone.
    /// Any failure fails the whole call: no caller ever gets a missing or partial PDF.
    /// </summary>
    public async Task<IReadOnlyList<byte[]>> RenderManyAsync(IReadOnlyList<string> documents, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var parsed = new BatchDocument?[documents.Count];
        for (var i = 0; i < documents.Count; i++)
            parsed[i] = BatchDocument.TryParse(documents[i] ?? throw new ArgumentException($"Document {i + 1} is null.", nameof(documents)));

        var batches = new List<int[]>();
        batches.AddRange(Enumerable.Range(0, documents.Count).Where(i => parsed[i] is null).Select(i => new[] { i }));
        foreach (var sameHead in Enumerable.Range(0, documents.Count).Where(i => parsed[i] is not null)
                     .GroupBy(i => parsed[i]!.Style, StringComparer.Ordinal))
            batches.AddRange(Pack(sameHead.Select(i => (i, parsed[i]!.Glyphs)).ToList(), _options.BatchSize, _options.BatchGlyphBudget));

        var pdfs = new byte[documents.Count][];
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var all = Task.WhenAll(batches.Select(async batch =>
        {
            try
            {
                // A document alone (one that cannot join a batch, or the only one of its head) prints as it is, numbered by
                // Chromium's own footer: nothing to cut, no PDF parsed and written again (about 7 ms a page).
                if (parsed[batch[0]] is null || batch.Length == 1)
                {
                    pdfs[batch[0]] = await PrintAsync(documents[batch[0]], pageNumbers: true, failed.Token);
                    _batchDocuments.Record(1);
                    return;
                }
                var members = batch.Select(i => parsed[i]!).ToList();
                var printed = await PrintAsync(BatchDocument.Combine(members), pageNumbers: false, failed.Token);
                var cutStart = Stopwatch.GetTimestamp();
                var split = BatchPdf.Split(printed, members);
                _cutSeconds.Record(Stopwatch.GetElapsedTime(cutStart).TotalSeconds);
                _batchDocuments.Record(members.Count);
                for (var k = 0; k < batch.Length; k++) pdfs[batch[k]] = split[k];
            }
            catch
            {
                // One failed batch fails the call; the others stop instead of printing for nothing.
                await failed.CancelAsync();
                throw;
            }
        }));
        try
        {
            await all;
        }
        catch (Exception) when (!ct.IsCancellationRequested && all.Exception is { } aggregate)
        {
            // The batches stopped by the failure end in cancellations; the caller needs the failure itself.
            ExceptionDispatchInfo.Throw(aggregate.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) ?? aggregate.InnerExceptions[0]);
        }
        ct.ThrowIfCancellationRequested();
        return pdfs;
    }

    /// <summary>
    /// Documents in order, in batches of at most <paramref name="size"/> (evened out: 60 by 50 is 30 + 30, not
    /// 50 + 10, so concurrent prints finish together) whose characters together stay within the glyph budget.
    /// A document over the budget on its own prints alone, no bigger than it would be anyway.
    /// </summary>
    internal static IEnumerable<int[]> Pack(IReadOnlyList<(int Index, IReadOnlySet<char> Glyphs)> documents, int size, int glyphBudget)
    {
        var chunks = (documents.Count + size - 1) / size;
        var target = chunks == 0 ? size : (documents.Count + chunks - 1) / chunks;
        var batch = new List<int>();
        var glyphs = new HashSet<char>();
        foreach (var (index, own) in documents)
        {
            if (batch.Count > 0 && (batch.Count == target || glyphs.Count + own.Count(g => !glyphs.Contains(g)) > glyphBudget))
            {
                yield return batch.ToArray();
                batch.Clear();
                glyphs.Clear();
            }
            batch.Add(index);
            glyphs.UnionWith(own);
        }
        if (batch.Count > 0) yield return batch.ToArray();
    }

    private async Task<byte[]> PrintAsync(string html, bool pageNumbers, CancellationToken ct)
    {
        await _pages.WaitAsync(ct);
        var start = Stopwatch.GetTimestamp();
        try
        {
            var browser = await GetBrowserAsync(ct);
            byte[] pdf;
            try
            {
                pdf = await RenderOnAsync(browser, html, pageNumbers, ct);
            }
            catch (Exception) when (!ct.IsCancellationRequested && IsDead(browser))
            {
                // Chromium died under this print (or just before it, unnoticed): one retry on a fresh
                // browser. A second failure is real and goes to the caller, whose job retries.
                pdf = await RenderOnAsync(await GetBrowserAsync(ct), html, pageNumbers, ct);
            }
            _printSeconds.Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
            return pdf;
        }
        finally
        {
            _pages.Release();
        }
    }

    /// <summary>The process id of the running browser, for tests that crash it on purpose.</summary>
    internal int? BrowserProcessId => Volatile.Read(ref _browser)?.Process?.Id;

    private static bool IsDead(IBrowser browser) =>
        browser.IsClosed || !browser.IsConnected || browser.Process is { HasExited: true };

    private async Task<byte[]> RenderOnAsync(IBrowser browser, string html, bool pageNumbers, CancellationToken ct)
    {
        if (TakeIdlePage(browser) is { } kept)
        {
            try
            {
                return await PrintOnAsync(browser, kept, html, pageNumbers, ct);
            }
            catch (Exception) when (!ct.IsCancellationRequested && !IsDead(browser))
            {
                // A kept page can have died while it waited (its renderer crashed): the document gets one new page.
            }
        }
        return await PrintOnAsync(browser, await OpenPageAsync(browser, ct), html, pageNumbers, ct);
    }

    // What a kept page shows between prints.
    private const string Blank = "<!DOCTYPE html><html><head></head><body></body></html>";

    /// <summary>The document printed on this page. The page is then blanked and kept for the next document (nothing of a
    /// rep's form stays in Chromium's memory until then, which may be days), or closed if anything failed or stopped.</summary>
    private async Task<byte[]> PrintOnAsync(IBrowser browser, IPage page, string html, bool pageNumbers, CancellationToken ct)
    {
        var keep = false;
        try
        {
            var pdf = await PrintPageAsync(page, html, pageNumbers, ct);
            await page.SetContentAsync(Blank, new SetContentOptions
            {
                WaitUntil = [WaitUntilNavigation.Load],
                Timeout = (int)_options.Timeout.TotalMilliseconds,
                CancellationToken = ct,
            });
            keep = true;
            return pdf;
        }
        finally
        {
            if (!page.IsClosed && !IsDead(browser))
            {
                if (keep) _idlePages.Add((browser, page));
                else await page.CloseAsync();
            }
        }
    }

    /// <summary>A kept page of this browser, or null. Pages of the browser now running that another print (still on a
    /// browser since relaunched) would not use go back; pages of a browser that is gone are dropped with it.</summary>
    private IPage? TakeIdlePage(IBrowser browser)
    {
        List<(IBrowser Browser, IPage Page)>? current = null;
        IPage? found = null;
        while (found is null && _idlePages.TryTake(out var idle))
        {
            if (idle.Page.IsClosed || IsDead(idle.Browser)) continue;
            if (ReferenceEquals(idle.Browser, browser)) found = idle.Page;
            else if (ReferenceEquals(idle.Browser, Volatile.Read(ref _browser))) (current ??= []).Add(idle);
        }
        foreach (var idle in current ?? []) _idlePages.Add(idle);
        return found;
    }

    /// <summary>Pages opened since the renderer was made, for tests of their reuse.</summary>
    internal int PagesOpened => Volatile.Read(ref _pagesOpened);
    private int _pagesOpened;

    /// <summary>A new page that runs no script and lets nothing but inline data: URLs load.</summary>
    private async Task<IPage> OpenPageAsync(IBrowser browser, CancellationToken ct)
    {
        var page = await browser.NewPageAsync().WaitAsync(ct);
        Interlocked.Increment(ref _pagesOpened);
        try
        {
            await page.SetJavaScriptEnabledAsync(false).WaitAsync(ct);
            await page.SetRequestInterceptionAsync(true).WaitAsync(ct);
            page.Request += (_, e) => _ = AllowOnlyInlineAsync(e.Request);
            return page;
        }
        catch
        {
            if (!page.IsClosed && !IsDead(browser)) await page.CloseAsync();
            throw;
        }
    }

    private async Task<byte[]> PrintPageAsync(IPage page, string html, bool pageNumbers, CancellationToken ct)
    {
        var timeoutMs = (int)_options.Timeout.TotalMilliseconds;
        await page.SetContentAsync(html, new SetContentOptions
        {
            WaitUntil = [WaitUntilNavigation.Load],
            Timeout = timeoutMs,
            CancellationToken = ct,
        });

        // A batch is numbered per document while it is cut (BatchPdf); Chromium would count the whole batch.
        var pdf = await page.PdfDataAsync(PrintOptions(pageNumbers, timeoutMs)).WaitAsync(ct);

        if (pdf is not { Length: > 4 } || pdf[0] != '%' || pdf[1] != 'P' || pdf[2] != 'D' || pdf[3] != 'F')
            throw new InvalidOperationException(
                $"Chromium returned {pdf?.Length ?? 0} bytes that are not a PDF (no %PDF header).");
        return pdf;
    }

    private static async Task AllowOnlyInlineAsync(IRequest request)
    {
        try
        {
            if (request.Url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
                await request.ContinueAsync();
            else
                await request.AbortAsync(RequestAbortErrorCode.BlockedByClient);
        }
        catch (PuppeteerException)
        {
            // The page was closed while the request was pending: there is nothing left to allow or block.
        }
    }

    private async Task<IBrowser> GetBrowserAsync(CancellationToken ct)
    {
        var current = Volatile.Read(ref _browser);
        if (current is not null && !IsDead(current)) return current;

        await _launchLock.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_browser is not null && !IsDead(_browser)) return _browser;
            if (_browser is not null) await DiscardBrowserAsync();

            if (!File.Exists(_options.ExecutablePath))
                throw new FileNotFoundException(
                    $"Chromium not found at '{_options.ExecutablePath}'. Install it or set {ChromiumOptions.SectionName}:ExecutablePath.",
                    _options.ExecutablePath);

            _userDataDir = Path.Combine(Path.GetTempPath(), "salesreporting-chromium-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_userDataDir);
            IBrowser browser;
            try
            {
                browser = await Puppeteer.LaunchAsync(new LaunchOptions
                {
                    ExecutablePath = _options.ExecutablePath,
                    Headless = true,
                    UserDataDir = _userDataDir,
                    Args = Args,
                    Timeout = (int)_options.Timeout.TotalMilliseconds,
                    ProtocolTimeout = (int)_options.Timeout.TotalMilliseconds,
                }).WaitAsync(ct);
            }
            catch
            {
                DeleteUserDataDir();
                throw;
            }
            Volatile.Write(ref _browser, browser);
            return browser;
        }
        finally
        {
            _launchLock.Release();
        }
    }

    private async Task DiscardBrowserAsync()
    {
        var browser = _browser;
        _browser = null;
        _idlePages.Clear();
        if (browser is not null)
        {
            try
            {
                // A crashed browser cannot be asked to close; disposing kills whatever is left of it.
                if (!IsDead(browser)) await browser.CloseAsync();
            }
            finally
            {
                await browser.DisposeAsync();
            }
        }
        DeleteUserDataDir();
    }

    private void DeleteUserDataDir()
    {
        var dir = _userDataDir;
        _userDataDir = null;
        if (dir is null || !Directory.Exists(dir)) return;
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A crashed Chromium can leave a file locked for a moment; a stale profile in /tmp is harmless.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _launchLock.WaitAsync();
        try
        {
            if (_disposed) return;
            _disposed = true;
            _meter.Dispose();
            await DiscardBrowserAsync();
        }
        finally
        {
            _launchLock.Release();
        }
    }
}
