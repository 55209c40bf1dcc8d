using Microsoft.Extensions.Logging;
using SalesReporting.Reports.Rendering;

namespace SalesReporting.Reports.Summary;

/// <summary>Turns a <see cref="TeamSummary"/> into the complete HTML document the PDF renderer prints.</summary>
public sealed class SummaryHtml(ILoggerFactory? loggerFactory = null) : IAsyncDisposable
{
    private readonly ComponentHtml _html = new(loggerFactory);

    public Task<string> RenderAsync(TeamSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        _ = Forms.FormText.For(summary.Locale);
        return _html.RenderAsync<TeamSummaryView>(nameof(TeamSummaryView.Summary), summary);
    }

    public ValueTask DisposeAsync() => _html.DisposeAsync();
}
