using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SalesReporting.Reports.Rendering;

/// <summary>
/// A Razor component with its one model parameter, rendered to the whole HTML document it writes, with
/// Blazor's static <see cref="HtmlRenderer"/> (no web server, no circuit). Each render has a renderer of its own,
/// disposed with the render: a renderer keeps every root component it rendered (and its model) until it is disposed,
/// so one shared renderer grew by every form of a month-end (the 10,000-rep worker's peak memory). Safe to share and
/// to call at once from several jobs.
/// </summary>
public sealed class ComponentHtml : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly ILoggerFactory _loggerFactory;

    public ComponentHtml(ILoggerFactory? loggerFactory = null)
    {
        // The default encoder escapes every CJK character as &#x…; this one escapes only what HTML needs, so
        // the text stays characters (smaller documents, and the batch printer counts each form's glyphs).
        _services = new ServiceCollection().AddSingleton(HtmlEncoder.Create(UnicodeRanges.All)).BuildServiceProvider();
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    public async Task<string> RenderAsync<TComponent>(string parameter, object model) where TComponent : IComponent
    {
        var parameters = ParameterView.FromDictionary(new Dictionary<string, object?> { [parameter] = model });
        await using var renderer = new HtmlRenderer(_services, _loggerFactory);
        return await renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync<TComponent>(parameters)).ToHtmlString());
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
