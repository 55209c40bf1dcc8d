namespace SalesReporting.Data.Indicators;

/// <summary>Weighted score, tier and anomaly rules of SPEC §4.1–4.2, as pure functions.</summary>
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

    /// <summary>Completion below 80%, or a MoM move the wrong way of ≥ 10% (≥ 5 pp for % units).</summary>
    public static bool IsAnomaly(decimal? completion, decimal? mom, string unit, string direction)
    {
        if (completion is < 80) return true;
        if (mom is not { } m) return false;
        var worse = direction == "lower" ? m : -m;
        return worse >= (unit == "percent" ? 5 : 10);
    }

    public static decimal Round1(decimal value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);
}
