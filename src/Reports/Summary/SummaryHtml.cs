using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace SalesReporting.Reports.Summary;

/// <summary>Turns a <see cref="TeamSummary"/> into the complete HTML document the PDF renderer prints (as FormHtml does for forms).</summary>
public sealed class SummaryHtml : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly HtmlRenderer _renderer;

    public SummaryHtml()
    {
        // The default encoder escapes every CJK character as &#x…; this one escapes only what HTML needs.
        _services = new ServiceCollection().AddSingleton(HtmlEncoder.Create(UnicodeRanges.All)).BuildServiceProvider();
        _renderer = new HtmlRenderer(_services, NullLoggerFactory.Instance);
    }

    public Task<string> RenderAsync(TeamSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        _ = Forms.Labels.For(summary.Locale);
        var parameters = ParameterView.FromDictionary(new Dictionary<string, object?> { [nameof(TeamSummaryView.Summary)] = summary });
        return _renderer.Dispatcher.InvokeAsync(async () =>
            (await _renderer.RenderComponentAsync<TeamSummaryView>(parameters)).ToHtmlString());
    }

    public async ValueTask DisposeAsync()
    {
        await _renderer.DisposeAsync();
        await _services.DisposeAsync();
    }
}
