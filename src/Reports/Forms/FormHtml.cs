using Microsoft.Extensions.Logging;
using SalesReporting.Reports.Rendering;

namespace SalesReporting.Reports.Forms;

/// <summary>Turns a <see cref="FeedbackForm"/> into the complete HTML document the PDF renderer prints.</summary>
public sealed class FormHtml(ILoggerFactory? loggerFactory = null) : IAsyncDisposable
{
    private readonly ComponentHtml _html = new(loggerFactory);

    /// <summary>The form as a whole document: <c>&lt;!DOCTYPE html&gt;&lt;html lang="…"&gt;…</c>.</summary>
    public Task<string> RenderAsync(FeedbackForm form)
    {
        ArgumentNullException.ThrowIfNull(form);
        // Fail on a bad locale here, with its own message, rather than inside the component.
        _ = FormText.For(form.Locale);
        return _html.RenderAsync<FeedbackFormView>(nameof(FeedbackFormView.Form), form);
    }

    public ValueTask DisposeAsync() => _html.DisposeAsync();
}
