using System.Globalization;
using System.Net;
using System.Text;

namespace SalesReporting.Reports.Delivery;

/// <summary>One cell of a digest table: its text, right-aligned when a figure, coloured by a standing ("met", "near",
/// "behind") when it has one.</summary>
public readonly record struct DigestCell(string Text, bool Figure = false, string? Standing = null);

/// <summary>
/// The body of every automatic email (docs/form.md, "The emails"), written once and given twice: an HTML part that
/// reads well on its own — a 600-pixel table layout with inline CSS only, as Outlook, Gmail and phone mail apps all
/// render it (no stylesheet, no script, no image) — and a plain-text part with the same content in the same order.
/// Every text is HTML-encoded here; callers pass plain text.
/// </summary>
public sealed class Digest(string lang, string title)
{
    private const string Font = "font-family:-apple-system,'Segoe UI','Helvetica Neue',Arial,'PingFang SC','Microsoft YaHei','WenQuanYi Zen Hei',sans-serif";
    private readonly StringBuilder html = new();
    private readonly StringBuilder text = new(title + "\n" + new string('=', Math.Min(60, Width(title))) + "\n\n");

    /// <summary>The colours of a standing: text and background (green met, amber near, red behind).</summary>
    public static (string Color, string Background) Colours(string? standing) => standing switch
    {
        "met" => ("#1e7b34", "#dff5e3"),
        "near" => ("#8a6100", "#fff3c4"),
        "behind" => ("#a61b1b", "#fde2e1"),
        _ => ("#1f2933", "#ffffff"),
    };

    private static string E(string s) => WebUtility.HtmlEncode(s);

    // East Asian characters take two columns in a plain-text reader's monospace font.
    private static int Width(string s) => s.Sum(c => c >= 0x1100 ? 2 : 1);

    public Digest Paragraph(string content)
    {
        html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"padding:6px 24px;{Font};font-size:15px;line-height:1.5;color:#1f2933\">{E(content)}</td></tr>");
        text.Append(content).Append("\n\n");
        return this;
    }

    /// <summary>The large figures at the top: each a label over a value, the value coloured by its standing.</summary>
    public Digest Figures(IReadOnlyList<(string Label, string Value, string? Standing)> figures)
    {
        var width = 100 / Math.Max(1, figures.Count);
        html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"padding:8px 24px\"><table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"border-collapse:collapse\"><tr>");
        foreach (var (label, value, standing) in figures)
        {
            var (color, background) = Colours(standing);
            html.Append(CultureInfo.InvariantCulture, $"<td width=\"{width}%\" style=\"padding:10px 8px;background:{background};border:1px solid #e4e7eb;text-align:center;{Font}\">" +
                $"<div style=\"font-size:12px;color:#52606d\">{E(label)}</div><div style=\"font-size:22px;font-weight:bold;color:{color}\">{E(value)}</div></td>");
        }
        html.Append("</tr></table></td></tr>");
        text.Append(string.Join(" · ", figures.Select(f => $"{f.Label}: {f.Value}"))).Append("\n\n");
        return this;
    }

    public Digest Heading(string content)
    {
        html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"padding:14px 24px 4px;{Font};font-size:16px;font-weight:bold;color:#1f3a5f\">{E(content)}</td></tr>");
        text.Append(content).Append('\n').Append(new string('-', Math.Min(60, Width(content)))).Append('\n');
        return this;
    }

    /// <summary>A table: a header row and rows of cells; in the text part one line per row, each cell after its header.</summary>
    public Digest Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<DigestCell>> rows)
    {
        html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"padding:4px 12px 8px\"><table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"border-collapse:collapse;{Font};font-size:13px\"><tr>");
        for (var i = 0; i < header.Count; i++)
            html.Append(CultureInfo.InvariantCulture, $"<th style=\"padding:6px 5px;background:#e4e7eb;color:#1f2933;text-align:{(i == 0 ? "left" : "right")};font-weight:bold\">{E(header[i])}</th>");
        html.Append("</tr>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
            {
                var (color, background) = Colours(cell.Standing);
                html.Append(CultureInfo.InvariantCulture, $"<td style=\"padding:6px 5px;border-bottom:1px solid #e4e7eb;text-align:{(cell.Figure ? "right" : "left")};color:{color};background:{background}{(cell.Standing is null ? "" : ";font-weight:bold")}\">{E(cell.Text)}</td>");
            }
            html.Append("</tr>");
            text.Append("- ").Append(string.Join("; ", row.Select((c, i) => $"{header[i]} {c.Text}"))).Append('\n');
        }
        html.Append("</table></td></tr>");
        text.Append('\n');
        return this;
    }

    /// <summary>A list of items, each a bold lead and its detail; <paramref name="empty"/> when there are none.</summary>
    public Digest List(IReadOnlyList<(string Lead, string Detail, string? Standing)> items, string empty)
    {
        if (items.Count == 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"padding:2px 24px 8px;{Font};font-size:14px;color:#52606d\">{E(empty)}</td></tr>");
            text.Append(empty).Append("\n\n");
            return this;
        }
        foreach (var (lead, detail, standing) in items)
        {
            var (color, _) = Colours(standing);
            html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"padding:4px 24px;{Font};font-size:14px;line-height:1.5;color:#1f2933\">" +
                $"<span style=\"font-weight:bold;color:{color}\">{E(lead)}</span>{(detail.Length == 0 ? "" : " — " + E(detail))}</td></tr>");
            text.Append("- ").Append(lead).Append(detail.Length == 0 ? "" : " — " + detail).Append('\n');
        }
        text.Append('\n');
        return this;
    }

    /// <summary>Buttons side by side (links styled as buttons, as every mail client shows a link); none when no URL.</summary>
    public Digest Buttons(IReadOnlyList<(string Label, string? Url, bool Primary)> buttons)
    {
        var shown = buttons.Where(b => b.Url is not null).ToList();
        if (shown.Count == 0) return this;
        html.Append("<tr><td style=\"padding:14px 24px 6px\">");
        foreach (var (label, url, primary) in shown)
            html.Append(CultureInfo.InvariantCulture, $"<a href=\"{E(url!)}\" style=\"display:inline-block;margin:0 8px 8px 0;padding:10px 18px;border-radius:4px;{Font};font-size:15px;font-weight:bold;text-decoration:none;" +
                $"{(primary ? "background:#1f3a5f;color:#ffffff;border:1px solid #1f3a5f" : "background:#ffffff;color:#1f3a5f;border:1px solid #1f3a5f")}\">{E(label)}</a>");
        html.Append("</td></tr>");
        foreach (var (label, url, _) in shown) text.Append(label).Append(": ").Append(url).Append('\n');
        text.Append('\n');
        return this;
    }

    public Digest Note(string content)
    {
        html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"padding:10px 24px 18px;{Font};font-size:12px;color:#52606d\">{E(content)}</td></tr>");
        text.Append(content).Append('\n');
        return this;
    }

    public string Text => text.ToString().TrimEnd() + "\n";

    public string Html => $"""
        <!DOCTYPE html>
        <html lang="{E(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light"><title>{E(title)}</title></head>
        <body style="margin:0;padding:0;background:#f0f2f5">
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f0f2f5"><tr><td align="center" style="padding:12px 4px">
        <!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background:#ffffff;border-collapse:collapse;border:1px solid #e4e7eb">
        <tr><td style="padding:16px 24px;background:#1f3a5f;color:#ffffff;{Font};font-size:18px;font-weight:bold">{E(title)}</td></tr>
        {html}
        </table>
        <!--[if mso]></td></tr></table><![endif]-->
        </td></tr></table>
        </body></html>
        """;
}
