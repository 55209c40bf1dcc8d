using System.Globalization;

namespace SalesReporting.Reports.Forms;

/// <summary>
/// How the form prints numbers. Rounding is half away from zero (what people do by hand: 83.25 → 83.3),
/// never the banker's rounding that decimal.Round does by default. Digits are culture-invariant in every
/// locale; only the words around them (环比, 持平, pp) change.
/// </summary>
public static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Flat 持平 below this absolute change.</summary>
    public const decimal FlatThreshold = 0.5m;

    public static decimal Round(decimal value, int decimals) => Normalize(decimal.Round(value, decimals, MidpointRounding.AwayFromZero));

    /// <summary>A percentage with one decimal: 85 → "85.0%", 83.333… → "83.3%".</summary>
    public static string Percent(decimal value) => Round(value, 1).ToString("0.0", Invariant) + "%";

    /// <summary>A completion rate, or "—" when it has no value.</summary>
    public static string Completion(decimal? completion) => completion is { } c ? Percent(c) : FormText.En.NoValue;

    /// <summary>
    /// A target or actual in its indicator's unit: 万元 with up to two decimals (85 → "85", 96.59 → "96.59"),
    /// percent-unit values and days with one (75 → "75.0"), counts as integers, "—" when missing.
    /// </summary>
    public static string Value(decimal? value, string unit)
    {
        if (value is not { } v) return FormText.En.NoValue;
        return unit switch
        {
            "wan_yuan" => Round(v, 2).ToString("#,##0.##", Invariant),
            "percent" or "days" or "score" => Round(v, 1).ToString("#,##0.0", Invariant),
            "count" => Round(v, 0).ToString("#,##0", Invariant),
            _ => Round(v, 2).ToString("#,##0.##", Invariant),
        };
    }

    /// <summary>
    /// How a completion stands, for the colour it is shown in (the team workbook, the emails): "met" at 100% or more,
    /// "near" from the anomaly line of 80% up, "behind" below it; null without a completion.
    /// </summary>
    public static string? Standing(decimal? completion) => completion switch
    {
        null => null,
        >= 100m => "met",
        >= 80m => "near",
        _ => "behind",
    };

    /// <summary>The weighted score, one decimal: 82.64 → "82.6".</summary>
    public static string Score(decimal score) => Round(score, 1).ToString("0.0", Invariant);

    /// <summary>
    /// One comparison (环比 or 同比): "环比 -12.0%" for a relative change, "环比 -8.0个百分点" for a
    /// percent-unit indicator (its change is in percentage points), "环比 持平" below 0.5, null when there is
    /// no previous value to compare with.
    /// </summary>
    public static string? Change(decimal? change, string unit, string word, FormText labels)
    {
        if (change is not { } c) return null;
        if (Math.Abs(c) < FlatThreshold) return $"{word} {labels.Flat}";
        var number = Signed(Round(c, 1));
        return unit == "percent"
            ? $"{word} {number}{labels.PercentagePoints}"
            : $"{word} {number}%";
    }

    /// <summary>"+3.0" or "-12.0", ASCII signs so the PDF text is searchable.</summary>
    public static string Signed(decimal value) =>
        (value > 0 ? "+" : value < 0 ? "-" : "") + Math.Abs(value).ToString("0.0", Invariant);

    // decimal.Round(-0.04m, 1) is a negative zero that would print as "-0.0".
    private static decimal Normalize(decimal value) => value == 0m ? 0m : value;
}
