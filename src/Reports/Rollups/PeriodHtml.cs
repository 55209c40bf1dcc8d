using Microsoft.Extensions.Logging;
using SalesReporting.Data.Indicators;
using SalesReporting.Reports.Rendering;

namespace SalesReporting.Reports.Rollups;

/// <summary>The quarter's and the year's documents as the complete HTML the PDF renderer prints.</summary>
public sealed class PeriodHtml(ILoggerFactory? loggerFactory = null) : IAsyncDisposable
{
    private readonly ComponentHtml _html = new(loggerFactory);

    public Task<string> RenderAsync(PeriodRepReview review)
    {
        ArgumentNullException.ThrowIfNull(review);
        return _html.RenderAsync<PeriodReviewView>(nameof(PeriodReviewView.Review), review);
    }

    public Task<string> RenderAsync(PeriodTeamReview team)
    {
        ArgumentNullException.ThrowIfNull(team);
        return _html.RenderAsync<PeriodSummaryView>(nameof(PeriodSummaryView.Team), team);
    }

    public ValueTask DisposeAsync() => _html.DisposeAsync();
}
