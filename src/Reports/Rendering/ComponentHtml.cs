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
/// Blazor's static <see cref="HtmlRenderer"/> (no web server, no circuit). Safe to share: renders are
/// serialised on the renderer's dispatcher.
/// </summary>
public sealed class ComponentHtml : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly HtmlRenderer _renderer;

    public ComponentHtml(ILoggerFactory? loggerFactory = null)
    {
        // The default encoder escapes every CJK character as &#x…; this one escapes only what HTML needs, so
        // the text stays characters (smaller documents, and the batch printer counts each form's glyphs).
        _services = new ServiceCollection().AddSingleton(HtmlEncoder.Create(UnicodeRanges.All)).BuildServiceProvider();
        _renderer = new HtmlRenderer(_services, loggerFactory ?? NullLoggerFactory.Instance);
    }

    public Task<string> RenderAsync<TComponent>(string parameter, object model) where TComponent : IComponent
    {
        var parameters = ParameterView.FromDictionary(new Dictionary<string, object?> { [parameter] = model });
        return _renderer.Dispatcher.InvokeAsync(async () => (await _renderer.RenderComponentAsync<TComponent>(parameters)).ToHtmlString());
    }

    public async ValueTask DisposeAsync()
    {
        await _renderer.DisposeAsync();
        await _services.DisposeAsync();
    }
}
