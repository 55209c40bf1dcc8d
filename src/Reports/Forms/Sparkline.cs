using System.Globalization;

namespace SalesReporting.Reports.Forms;

/// <summary>
/// The geometry of a tiny trend line, drawn as inline SVG (no script, nothing fetched). A missing month
/// breaks the line rather than being drawn as zero.
/// </summary>
public sealed record Sparkline(IReadOnlyList<string> Segments, string? LastX, string? LastY, double Width, double Height)
{
    public static Sparkline? From(IReadOnlyList<decimal?> trend, double width = 60, double height = 16)
    {
        if (trend.Count(v => v is not null) < 2) return null;

        const double pad = 2;
        var values = trend.Where(v => v is not null).Select(v => (double)v!.Value).ToList();
        var min = values.Min();
        var max = values.Max();
        var span = max - min;
        var step = trend.Count > 1 ? (width - 2 * pad) / (trend.Count - 1) : 0;

        string X(int i) => (pad + i * step).ToString("0.#", CultureInfo.InvariantCulture);
        // A flat series sits in the middle instead of on an edge.
        string Y(double v) => (span == 0 ? height / 2 : pad + (max - v) / span * (height - 2 * pad))
            .ToString("0.#", CultureInfo.InvariantCulture);

        var segments = new List<string>();
        var current = new List<string>();
        for (var i = 0; i < trend.Count; i++)
        {
            if (trend[i] is { } v)
            {
                current.Add($"{X(i)},{Y((double)v)}");
                continue;
            }
            if (current.Count > 0) segments.Add(string.Join(' ', current));
            current.Clear();
        }
        if (current.Count > 0) segments.Add(string.Join(' ', current));

        var last = trend[^1];
        return new Sparkline(segments,
            last is null ? null : X(trend.Count - 1),
            last is null ? null : Y((double)last.Value),
            width, height);
    }
}
