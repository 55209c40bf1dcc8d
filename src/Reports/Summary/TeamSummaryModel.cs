using SalesReporting.Data;

namespace SalesReporting.Reports.Summary;

// The manager's team summary for one month (docs/form.md), as plain immutable data: built from SQL by
// SummaryQuery, and all the template sees.

/// <param name="Locale">the team's locale: zh-CN (default), zh-TW or en</param>
/// <param name="KeyIndicators">the indicators shown as columns of the rep table, in order</param>
/// <param name="QuarantinedRows">source rows held back by the last sync (bad rows), for the data-quality line</param>
public sealed record TeamSummary(
    string Locale,
    Period Period,
    DateOnly FilledOn,
    string TeamId,
    string TeamName,
    string Region,
    string ManagerName,
    IReadOnlyList<SummaryIndicator> KeyIndicators,
    IReadOnlyList<SummaryRepRow> Reps,
    IReadOnlyList<SummaryFinding> Findings,
    IReadOnlyList<OverdueAction> OverdueActions,
    long QuarantinedRows)
{
    /// <summary>The mean of the reps' scores; null when no rep has one. The PDF and the email print the same figure.</summary>
    public decimal? AverageScore
    {
        get
        {
            var scores = Reps.Where(r => r.Score is not null).Select(r => r.Score!.Value).ToList();
            return scores.Count == 0 ? null : scores.Average();
        }
    }

    public int TierCount(string tier) => Reps.Count(r => r.Tier == tier);
    public int AcknowledgedCount => Reps.Count(r => r.Acknowledged);

    /// <summary>The PDF's file name, kept in the output folder and attached to the manager's email alike.</summary>
    public static string FileName(Period period, string teamId) => $"{period}_team_{FileNames.Part(teamId)}.pdf";
}

public sealed record SummaryIndicator(string Code, string Name, string Unit);

/// <param name="Completions">completion % per key indicator, same order as TeamSummary.KeyIndicators; null = no value</param>
/// <param name="Rank">1 = best score in the team; null without a score</param>
public sealed record SummaryRepRow(string RepId, string RepName, bool IsNewHire, int? TenureMonth,
    IReadOnlyList<decimal?> Completions, decimal? Score, string? Tier, int? Rank, bool Acknowledged);

/// <param name="Kind">team_issue | authenticity | spot_check | new_hire_ramp | key_account_risk | config_warning</param>
/// <param name="IndicatorName">the catalog's name of Indicator in the team's locale; null without one</param>
/// <param name="Check">a spot_check sample's result as the manager recorded it in the workspace; null while unchecked (and for other kinds)</param>
public sealed record SummaryFinding(string Kind, string? RepId, string? RepName, string? Indicator, string? Subject, string Detail,
    string? IndicatorName = null, SpotCheckResult? Check = null);

/// <summary>The spot check of one sampled visit (reporting.spot_check_result): verified or not, the note, who and when.</summary>
public sealed record SpotCheckResult(bool Verified, string? Note, string CheckedBy, DateTimeOffset CheckedAt);

public sealed record OverdueAction(string RepId, string RepName, string Problem, string Action, string Owner, DateOnly DueOn, int DaysOverdue);
