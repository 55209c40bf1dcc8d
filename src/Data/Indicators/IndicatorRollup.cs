using System.Globalization;
using Dapper;

namespace SalesReporting.Data.Indicators;

/// <summary>A quarter ("2026-Q3") or a year ("2026"): a run of months that figures are rolled up over.</summary>
public readonly record struct RollupPeriod(int Year, int? Quarter)
{
    public Period First => new(Year, Quarter is { } q ? (q - 1) * 3 + 1 : 1);
    public Period Last => First.Add(Quarter is null ? 11 : 2);
    public int Months => Quarter is null ? 12 : 3;
    /// <summary>"quarter" or "year": how targets and the delivery ledger tell the two apart.</summary>
    public string Kind => Quarter is null ? "year" : "quarter";
    public IEnumerable<Period> EachMonth => Enumerable.Range(0, Months).Select(First.Add);
    /// <summary>The quarter or year that ended last before the given month (for the recurring jobs on the day after).</summary>
    public static RollupPeriod QuarterBefore(Period month)
    {
        var last = month.Add(-1);
        return new RollupPeriod(last.Year, (last.Month - 1) / 3 + 1);
    }

    public static RollupPeriod Parse(string text)
    {
        if (TryParse(text, out var period)) return period;
        throw new FormatException($"'{text}' is not a quarter or a year: expected YYYY-Qn (for example 2026-Q3) or YYYY (for example 2026).");
    }

    public static bool TryParse(string? text, out RollupPeriod period)
    {
        period = default;
        if (text is null) return false;
        text = text.Trim();
        if (text.Length != 4 && (text.Length != 7 || text[4] != '-' || char.ToUpperInvariant(text[5]) != 'Q')) return false;
        if (!int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var y) || y < 1900 || y > 2999) return false;
        if (text.Length == 4)
        {
            period = new RollupPeriod(y, null);
            return true;
        }
        if (text[6] is < '1' or > '4') return false;
        period = new RollupPeriod(y, text[6] - '0');
        return true;
    }

    public override string ToString() => Quarter is { } q ? $"{Year:D4}-Q{q}" : $"{Year:D4}";
}

/// <param name="Months">months of the roll-up in which the rep has a value (fewer than 3 or 12 for a period still running, or a
/// ratio with an empty denominator in some months)</param>
/// <param name="Actual">in the indicator's display unit; null = no value (no denominator, or a custom ratio without numerator/denominator)</param>
/// <param name="Target">over the months with a value; null when one of them has no target, or the indicator takes none</param>
public sealed record RollupLine(string RepId, string Indicator, string Unit, string Direction, int Months,
    decimal? Actual, decimal? Target, decimal? Completion);

/// <summary>
/// Quarter and year figures per rep and indicator, recomputed from the stored monthly numerators and
/// denominators, never averaged from monthly rates. Additive indicators (catalog missing_as = 'zero':
/// amounts and counts) sum their actuals and targets. Ratio indicators (missing_as = 'none') are
/// Σ numerator ÷ Σ denominator (× 100 for percent units), and their target is the monthly targets weighted
/// by the monthly denominators: the figure the rep would have reached by meeting every monthly target.
/// A target imported for the quarter or the year itself (reporting.period_target) overrides that roll-up.
/// A ratio indicator whose query returns no numerator/denominator cannot be rolled up and has no value.
/// </summary>
public sealed class IndicatorRollup(Databases db)
{
    /// <summary>Each month's actual of the period per rep and indicator (the columns beside the total); a month without a value is absent.</summary>
    public async Task<IReadOnlyList<(string RepId, string Indicator, DateOnly Month, decimal Actual)>> MonthsAsync(RollupPeriod period,
        IReadOnlyCollection<string>? repIds, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<(string, string, DateOnly, decimal)>(new CommandDefinition("""
            select v.rep_id, v.indicator, v.period, v.actual
            from reporting.indicator_value v
            join reporting.indicator i on i.code = v.indicator and i.enabled
            where v.period = any(@months) and v.actual is not null and (@all or v.rep_id = any(@reps))
            """, new
            {
                months = period.EachMonth.Select(m => m.Start).ToArray(),
                all = repIds is null, reps = repIds?.ToArray() ?? [],
            }, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyList<RollupLine>> LoadAsync(RollupPeriod period, IReadOnlyCollection<string>? repIds, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<RollupLine>(new CommandDefinition("""
            with m as (
              select v.rep_id, v.indicator, i.unit, i.direction, i.missing_as, i.has_target, i.sort_order, v.actual,
                     case when v.numerator is not null and v.denominator is not null then v.numerator end as num,
                     case when v.numerator is not null and v.denominator is not null then v.denominator end as den,
                     t.target
              from reporting.indicator_value v
              join reporting.indicator i on i.code = v.indicator and i.enabled
              left join reporting.target t on t.rep_id = v.rep_id and t.period = v.period and t.indicator = v.indicator
              where v.period = any(@months) and (@all or v.rep_id = any(@reps))),
            agg as (
              select rep_id, indicator, unit, direction, missing_as, has_target, sort_order, count(actual)::int as months,
                     count(target) filter (where actual is not null) = count(actual) as every_target,
                     sum(actual) as sum_actual, sum(num) as num, sum(den) as den, sum(target) filter (where actual is not null) as sum_target,
                     sum(target * den) as weighted_target
              from m group by rep_id, indicator, unit, direction, missing_as, has_target, sort_order),
            fig as (
              select rep_id, indicator, unit, direction, sort_order, months, has_target,
                     case when missing_as = 'zero' then sum_actual
                          else num / nullif(den, 0) * case when unit = 'percent' then 100 else 1 end end as actual,
                     case when not has_target or not every_target then null
                          when missing_as = 'zero' then sum_target
                          else weighted_target / nullif(den, 0) end as target
              from agg),
            tg as (
              select fig.*, case when fig.has_target then coalesce(pt.target, fig.target) end as period_target
              from fig
              left join reporting.period_target pt on pt.rep_id = fig.rep_id and pt.indicator = fig.indicator and pt.kind = @kind and pt.period = @first)
            select rep_id, indicator, unit, direction, months, actual, period_target as target,
                   reporting.completion(actual, period_target, direction) as completion
            from tg
            order by rep_id, sort_order, indicator
            """, new
            {
                // Each month by itself: with the key (period, rep_id, indicator), some reps' months are one descent each.
                months = period.EachMonth.Select(m => m.Start).ToArray(),
                all = repIds is null, reps = repIds?.ToArray() ?? [],
                kind = period.Kind, first = period.First.Start,
            },
            cancellationToken: ct))).ToList();
    }
}
