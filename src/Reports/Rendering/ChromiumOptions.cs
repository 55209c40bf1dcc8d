namespace SalesReporting.Reports.Rendering;

/// <summary>Configuration section "Chromium": which browser prints the forms, and how many at once.</summary>
public sealed record ChromiumOptions
{
    public const string SectionName = "Chromium";

    /// <summary>The installed Chromium; nothing is ever downloaded.</summary>
    public string ExecutablePath { get; init; } = "/usr/bin/chromium";

    /// <summary>Pages (single documents or batches) printing at the same time in the one browser.</summary>
    public int MaxConcurrentPages { get; init; } = 4;

    /// <summary>Documents printed in one Chromium print by RenderManyAsync. Larger batches print faster per
    /// document but every document of a batch carries the batch's whole font subset.</summary>
    public int BatchSize { get; init; } = 25;

    /// <summary>Upper bound for launching the browser, loading the document, and printing it, each.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
}
