using SalesReporting.Data;

namespace SalesReporting.Reports.Forms;

// The feedback form of one rep for one month (docs/form.md), as plain immutable data. It is built from
// SQL (FormQuery) and is all the template sees, so the template is tested without a database.

/// <param name="Locale">zh-CN (default), zh-TW or en: labels, units, number and date formats.</param>
public sealed record FeedbackForm(
    string Locale,
    Period Period,
    DateOnly FilledOn,
    RepHeader Rep,
    ScoreSummary Score,
    IReadOnlyList<IndicatorLine> Indicators,
    IReadOnlyList<KeyActionLine> KeyActions,
    IReadOnlyList<KeyAccountRisk> KeyAccountRisks,
    IReadOnlyList<ActionPlanLine> Actions,
    DateTimeOffset? AcknowledgedAt,
    FormReview? Review = null,
    IReadOnlyList<FormResponse>? Responses = null)
{
    /// <summary>The rep's side of the conversation this month, oldest first (empty when none).</summary>
    public IReadOnlyList<FormResponse> Conversation => Responses ?? [];
}

/// <summary>
/// One entry of the rep's side of the conversation (反饋溝通需雙向奔赴), as written in the workspace, and the manager's answer.
/// </summary>
/// <param name="Kind">difficulty | support | action_comment | dispute</param>
/// <param name="About">what it is about: the disputed indicator's name, or the commented action's problem; null for the others</param>
/// <param name="WrittenAt">when, in the company's time zone</param>
/// <param name="Answer">the manager's answer; null while unanswered</param>
public sealed record FormResponse(string Kind, string? About, string Body, string? Progress, DateTimeOffset WrittenAt,
    string? Answer, DateTimeOffset? AnsweredAt);

/// <summary>The month's 1:1 and the manager's sign-off, as recorded in the workspace; null fields were not recorded.</summary>
public sealed record FormReview(DateOnly? HeldOn, string? Notes, string? Agreed, string? SignedOffBy, DateTimeOffset? SignedOffAt);

/// <param name="TeamMedianAtTenure">New hires: the team's median revenue (万元) at the same tenure month; null when
/// none of the other reps has a value there (see TeamMedianReps) or the rep is no new hire.</param>
/// <param name="TeamMedianReps">How many teammates the median is over; 0 = no history; null = not computed.</param>
public sealed record RepHeader(string RepId, string RepName, string TeamName, string Region, string ManagerName,
    DateOnly? HireDate, bool IsNewHire, int? TenureMonth, decimal? TeamMedianAtTenure = null, int? TeamMedianReps = null);

/// <param name="Score">Weighted score 綜合得分, null when no weighted indicator has a completion.</param>
/// <param name="Tier">"high" 高績效, "on_track" 達標中, "improve" 待提升, or null with no score.</param>
public sealed record ScoreSummary(decimal? Score, string? Tier);

/// <param name="Category">result | process | team</param>
/// <param name="Unit">wan_yuan | percent | count | days | score</param>
/// <param name="Direction">higher | lower (is better)</param>
/// <param name="Completion">completion in %, unrounded; null = no value (see NoValueReason)</param>
/// <param name="Mom">percentage points for percent units, else relative change in %; null = no value</param>
/// <param name="NoValueReason">why Completion is empty: "no_target", "no_actual" (empty denominator), or null</param>
/// <param name="Trend">the last six months' actuals, oldest first, this month last; null where none</param>
/// <param name="Name">the catalog's name (reporting.indicator) in the form's locale</param>
/// <param name="SummaryOrder">the catalog's summary_order: a key indicator (summary column, email, month-end table); null = not one</param>
public sealed record IndicatorLine(
    string Code, string Category, string Name, string Unit, string Direction,
    decimal? Target, decimal? Actual, decimal? Completion, decimal? Gap, decimal? Mom, decimal? Yoy,
    string? NoValueReason, bool IsAnomaly, string? AnomalyReason, IReadOnlyList<decimal?> Trend, int? SummaryOrder = null);

/// <summary>The key indicators of a form: those of the catalog's summary_order, in that order, as the team summary's columns.</summary>
public static class KeyIndicators
{
    public static IEnumerable<IndicatorLine> Of(IEnumerable<IndicatorLine> indicators) =>
        indicators.Where(i => i.SummaryOrder is not null).OrderBy(i => i.SummaryOrder).ThenBy(i => i.Code, StringComparer.Ordinal);
}

/// <param name="Kind">visit | call | proposal | negotiation | contract | demo</param>
public sealed record KeyActionLine(string Customer, string? Industry, bool IsKeyAccount, string Kind, string Subject,
    DateOnly Date, string? Progress, string? SupportNeeded);

public sealed record KeyAccountRisk(string Customer, string Risk);

/// <param name="CauseCategory">people 人 | product 貨 | market 場</param>
/// <param name="Status">open | done | overdue</param>
public sealed record ActionPlanLine(string Problem, string RootCause, string CauseCategory, string Action, string Owner,
    DateOnly DueOn, DateOnly? CheckpointOn, string Status, bool CarriedOver, string? Effectiveness);
