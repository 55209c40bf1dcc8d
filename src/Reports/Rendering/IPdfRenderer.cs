namespace SalesReporting.Reports.Rendering;

/// <summary>
/// The one seam between a finished HTML document and PDF bytes. Chromium prints today; another
/// engine (QuestPDF, wkhtmltopdf, a print service) replaces it by implementing this.
/// </summary>
public interface IPdfRenderer
{
    /// <summary>Prints a self-contained HTML document (no network, no script) to PDF.</summary>
    Task<byte[]> RenderAsync(string html, CancellationToken ct);
}
