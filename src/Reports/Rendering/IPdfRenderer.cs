namespace SalesReporting.Reports.Rendering;

/// <summary>
/// The one seam between a finished HTML document and PDF bytes. Chromium prints today; another
/// engine (QuestPDF, wkhtmltopdf, a print service) replaces it by implementing this.
/// </summary>
public interface IPdfRenderer
{
    /// <summary>Prints a self-contained HTML document (no network, no script) to PDF.</summary>
    Task<byte[]> RenderAsync(string html, CancellationToken ct);

    /// <summary>Prints many documents; one complete PDF per document, in the same order, each with its
    /// own page numbers. An engine may print them together; the result is the same as one by one.</summary>
    async Task<IReadOnlyList<byte[]>> RenderManyAsync(IReadOnlyList<string> documents, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var pdfs = new byte[documents.Count][];
        for (var i = 0; i < documents.Count; i++) pdfs[i] = await RenderAsync(documents[i], ct);
        return pdfs;
    }
}
