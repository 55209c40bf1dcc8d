using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using SalesReporting.Reports.Rendering;
using Xunit;

namespace SalesReporting.Tests.Forms;

/// <summary>The HTML of a component, and what the renderer keeps afterwards: nothing. One shared Blazor renderer kept
/// every form it had rendered, and the 10,000-rep month-end's worker grew past 1.6 GB.</summary>
public sealed class ComponentHtmlTests
{
    public sealed record Model(string Text);

    public sealed class EchoView : ComponentBase
    {
        [Parameter] public Model? Model { get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenElement(0, "p");
            builder.AddContent(1, Model?.Text);
            builder.CloseElement();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> RenderAndForgetAsync(ComponentHtml html, string text)
    {
        var model = new Model(text);
        Assert.Equal($"<p>{text}</p>", await html.RenderAsync<EchoView>(nameof(EchoView.Model), model));
        return new WeakReference(model);
    }

    [Fact]
    public async Task A_rendered_model_is_not_kept_once_its_html_is_returned()
    {
        await using var html = new ComponentHtml();
        var rendered = new List<WeakReference>();
        for (var i = 0; i < 20; i++) rendered.Add(await RenderAndForgetAsync(html, $"業績 {i}"));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.Equal(0, rendered.Count(r => r.IsAlive));
    }

    [Fact]
    public async Task Renders_at_once_from_several_callers_each_its_own_model()
    {
        await using var html = new ComponentHtml();
        var texts = Enumerable.Range(0, 40).Select(i => $"銷售 {i}").ToList();
        var htmls = await Task.WhenAll(texts.Select(t => Task.Run(() => html.RenderAsync<EchoView>(nameof(EchoView.Model), new Model(t)))));
        Assert.Equal(texts.Select(t => $"<p>{t}</p>"), htmls);
    }
}
