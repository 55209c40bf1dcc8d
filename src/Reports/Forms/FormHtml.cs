using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SalesReporting.Reports.Forms;

/// <summary>
/// Turns a <see cref="FeedbackForm"/> into the complete HTML document the PDF renderer prints, with
/// Blazor's static <see cref="HtmlRenderer"/> (no web server, no circuit). Safe to share: renders are
/// serialised on the renderer's dispatcher.
/// </summary>
public sealed class FormHtml : IAsyncDisposable
{
    private readonly ServiceProvider? _ownedServices;
    private readonly HtmlRenderer _renderer;

    /// <summary>A stand-alone renderer with its own minimal service provider and no logging.</summary>
    public FormHtml()
    {
        // The default encoder escapes every CJK character as &#x…; this one escapes only what HTML needs.
        _ownedServices = new ServiceCollection()
            .AddSingleton(HtmlEncoder.Create(UnicodeRanges.All))
            .BuildServiceProvider();
        _renderer = new HtmlRenderer(_ownedServices, NullLoggerFactory.Instance);
    }

    /// <summary>A renderer that resolves component services and logs through the host's container.</summary>
    public FormHtml(IServiceProvider services, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _renderer = new HtmlRenderer(services, loggerFactory);
    }

    /// <summary>The form as a whole document: <c>&lt;!DOCTYPE html&gt;&lt;html lang="…"&gt;…</c>.</summary>
    public Task<string> RenderAsync(FeedbackForm form)
    {
        ArgumentNullException.ThrowIfNull(form);
        // Fail on a bad locale here, with its own message, rather than inside the component.
        _ = Labels.For(form.Locale);
        var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
        {
            [nameof(FeedbackFormView.Form)] = form,
        });
        return _renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await _renderer.RenderComponentAsync<FeedbackFormView>(parameters);
            return output.ToHtmlString();
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _renderer.DisposeAsync();
        if (_ownedServices is not null) await _ownedServices.DisposeAsync();
    }
}
