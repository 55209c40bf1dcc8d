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
    public int BatchSize { get; init; } = 50;

    /// <summary>
    /// Most distinct non-ASCII characters (CJK glyphs) a batch may print. Every document cut from a batch
    /// carries the batch's whole font subset, about 0.23 KB per CJK glyph, and past about 1,000 glyphs
    /// Chromium embeds the whole 9 MB font instead of a subset. 500 keeps a form under 150 KB: the form's
    /// own labels are ~220 of them.
    /// </summary>
    public int BatchGlyphBudget { get; init; } = 500;

    /// <summary>Upper bound for launching the browser, loading the document, and printing it, each.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>What is wrong with these settings, or nothing: checked at start and by the renderer itself.</summary>
    public IEnumerable<string> Problems()
    {
        if (MaxConcurrentPages < 1) yield return $"{SectionName}:MaxConcurrentPages is {MaxConcurrentPages}; it must be at least 1.";
        if (BatchSize < 1) yield return $"{SectionName}:BatchSize is {BatchSize}; it must be at least 1.";
        if (BatchGlyphBudget < 0) yield return $"{SectionName}:BatchGlyphBudget is {BatchGlyphBudget}; it must not be negative.";
    }
}
