namespace SalesReporting.Data.Indicators;

/// <summary>Weighted score and tier (docs/indicators.md), as pure functions (the anomaly rules are SQL in DerivedFigures).</summary>
public static class Scoring
{
    public const decimal DefaultCap = 120;

    /// <summary>Σ wᵢ·min(completionᵢ, cap) ÷ Σ wᵢ over the indicators that have both a weight and a completion.</summary>
    public static decimal? WeightedScore(IEnumerable<(decimal Weight, decimal? Completion)> items, decimal cap = DefaultCap)
    {
        decimal sum = 0, weights = 0;
        foreach (var (w, c) in items)
        {
            if (c is not { } completion || w <= 0) continue;
            sum += w * Math.Min(completion, cap);
            weights += w;
        }
        return weights == 0 ? null : sum / weights;
    }

    /// <summary>"high" (≥ 100), "improve" (&lt; 80), "on_track" in between; null without a score.</summary>
    public static string? Tier(decimal? score) => score switch
    {
        null => null,
        >= 100 => "high",
        < 80 => "improve",
        _ => "on_track",
    };

    public static decimal Round1(decimal value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);
}
