using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace SalesReporting.Reports.Rendering;

/// <summary>
/// One self-contained HTML document taken apart so that many documents with the same head can print
/// as one: the &lt;html&gt; start tag and head (without the title) say how a document looks, the body
/// is what it shows. Documents whose <see cref="Style"/> is equal print together.
/// </summary>
internal sealed partial record BatchDocument(string Style, string Title, string Body)
{
    /// <summary>The distinct non-ASCII characters of the body: each is a glyph in the font subset that every
    /// document of a batch carries, so a batch is packed to keep their union small.</summary>
    public IReadOnlySet<char> Glyphs { get; } = Body.Where(c => c >= 0x80).ToHashSet();

    [GeneratedRegex(@"<a[\s>]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AnchorRegex();
    private static Regex AnchorTag => AnchorRegex();

    /// <summary>The attribute every batch marker link carries; its number is the document's index in the batch.</summary>
    internal const string MarkerPrefix = "sr-batch-doc-";

    /// <summary>Null when the document is not of the plain shape a batch needs: one head, then one body
    /// without attributes. Such a document prints alone, exactly as given.</summary>
    public static BatchDocument? TryParse(string html)
    {
        var headOpen = html.IndexOf("<head>", StringComparison.OrdinalIgnoreCase);
        var headClose = html.IndexOf("</head>", StringComparison.OrdinalIgnoreCase);
        var bodyOpen = html.IndexOf("<body>", StringComparison.OrdinalIgnoreCase);
        var bodyClose = html.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
        if (headOpen < 0 || headClose < headOpen || bodyOpen < headClose || bodyClose < bodyOpen) return null;
        // A second head or body (in a comment, say) would make the cut ambiguous; such a document prints alone.
        if (html.IndexOf("<body", bodyOpen + 1, StringComparison.OrdinalIgnoreCase) >= 0) return null;
        if (html.IndexOf("<head", headOpen + 1, StringComparison.OrdinalIgnoreCase) >= 0) return null;

        var prologue = html[..headOpen];
        var head = html[(headOpen + "<head>".Length)..headClose];
        var title = "";
        var titleOpen = head.IndexOf("<title>", StringComparison.OrdinalIgnoreCase);
        var titleClose = head.IndexOf("</title>", StringComparison.OrdinalIgnoreCase);
        if (titleOpen >= 0 && titleClose > titleOpen)
        {
            title = WebUtility.HtmlDecode(head[(titleOpen + "<title>".Length)..titleClose]).Trim();
            head = head[..titleOpen] + head[(titleClose + "</title>".Length)..];
        }
        else if (titleOpen >= 0 || titleClose >= 0)
        {
            return null;
        }
        var body = html[(bodyOpen + "<body>".Length)..bodyClose];
        // Links are cut from a batch's pages with the markers (their targets would point into other
        // documents), so a document with links of its own prints alone and keeps them.
        if (AnchorTag.IsMatch(body)) return null;
        return new BatchDocument(prologue + "<head>" + head, title, body);
    }

    /// <summary>
    /// The batch as one document: the shared head, then each body in its own box that starts a new page
    /// and begins with a 1-px internal link whose target names the box, so the printed PDF says on which
    /// page each document starts. The link goes nowhere outside the page and is dropped when splitting.
    /// </summary>
    public static string Combine(IReadOnlyList<BatchDocument> documents)
    {
        ArgumentOutOfRangeException.ThrowIfZero(documents.Count);
        var sb = new StringBuilder(documents.Sum(d => d.Body.Length) + documents[0].Style.Length + 512);
        sb.Append(documents[0].Style);
        sb.Append("<title>batch</title><style>");
        // contain: style scopes CSS counters to each document, as if each box were its own body.
        sb.Append(".sr-batch-doc{position:relative;contain:style;display:flow-root}");
        sb.Append(".sr-batch-doc+.sr-batch-doc{break-before:page}");
        sb.Append(".sr-batch-mark{position:absolute;left:0;top:0;width:1px;height:1px;display:block}");
        sb.Append("</style></head><body>");
        for (var i = 0; i < documents.Count; i++)
        {
            var id = MarkerPrefix + i.ToString(CultureInfo.InvariantCulture);
            sb.Append("<div class=\"sr-batch-doc\"><a class=\"sr-batch-mark\" id=\"").Append(id)
              .Append("\" href=\"#").Append(id).Append("\"></a>");
            sb.Append(documents[i].Body);
            sb.Append("</div>");
        }
        sb.Append("</body></html>");
        return sb.ToString();
    }
}
