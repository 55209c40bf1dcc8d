using SalesReporting.Data;
using SalesReporting.Data.Actions;
using SalesReporting.Reports.Forms;
using SalesReporting.Reports.Summary;

namespace SalesReporting.Worker.Workspace;

/// <summary>The antiforgery field every form of a page carries.</summary>
public sealed record Af(string Name, string Value);

/// <summary>What a page shows after a POST: a notice, or what was wrong with which field, and the values typed (kept in the form).</summary>
public sealed record Outcome(string? Notice = null, string? Form = null, IReadOnlyDictionary<string, string>? Errors = null, IReadOnlyDictionary<string, string?>? Values = null,
    IReadOnlyList<ImportError>? FileErrors = null)
{
    public static readonly Outcome None = new();
    public bool HasErrors => Errors is { Count: > 0 };
    public string? Value(string form, string field) => Form == form ? Values?.GetValueOrDefault(field) : null;
}

public sealed record HomeModel(Person Person, IReadOnlyList<TeamRef> Teams, IReadOnlyList<Period> Periods, Af Af);

public sealed record TeamModel(Person Person, TeamRef Team, Period Period, TeamSummary Summary, IReadOnlyList<RepResponse> Responses,
    IReadOnlyList<SpotCheckSample> SpotChecks, IReadOnlyList<Period> Periods, string TimeZone, Af Af, Outcome Outcome,
    Data.Teams.TeamSetting Setting, Jobs.ReviewState? Review);

public sealed record RepModel(Person Person, RepRef Rep, Period Period, FeedbackForm Form, IReadOnlyList<FlaggedIndicator> Flagged,
    IReadOnlyList<ActionRecord> Actions, Review? Review, IReadOnlyList<RepResponse> Responses, IReadOnlyList<Change> History,
    IReadOnlyList<(string Code, string Name)> Indicators, IReadOnlyList<Period> Periods, string TimeZone, Af Af, Outcome Outcome)
{
    public bool CanManage => Person.CanManageRep(Rep.TeamId);
    public bool IsSelf => Person.IsRep(Rep.RepId);
}
