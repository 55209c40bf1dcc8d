using System.Globalization;
using SalesReporting.Data.Sources;

namespace SalesReporting.Data.Actions;

/// <summary>An improvement action as typed by a person (file cell or JSON string), before it is checked.</summary>
public sealed record ActionDraft(
    string? RepId, string? Period, string? Problem, string? RootCause, string? CauseCategory, string? Action,
    string? OwnerName, string? OwnerEmail, string? DueOn, string? CheckpointOn, string? SupportNeeded,
    string? Indicator = null, string? Status = null);

/// <summary>A checked improvement action (問題分析與改進計劃 row).</summary>
public sealed record ActionFields(
    string RepId, DateOnly Period, string Problem, string RootCause, string CauseCategory, string Action,
    string OwnerName, string OwnerEmail, DateOnly DueOn, DateOnly? CheckpointOn, string? SupportNeeded,
    string? Indicator, string? Status);

/// <summary>What is wrong with a field, for those who say it in another language than <see cref="FieldError.Reason"/>'s English.</summary>
public enum FieldProblem
{
    Other, Required, TooLong, UnknownRep, BadPeriod, BadCause, OwnerEmailRequired, BadEmail, BadDate, BeforePeriod, AfterDue,
    UnknownIndicator, BadStatus,
}

/// <summary>One field that is wrong and why; the field is named as in the file header and the JSON body. Reason is the
/// English the API and the import report; Problem (and Detail: the period, or the known indicators) lets the workspace
/// say the same in the team's language.</summary>
public sealed record FieldError(string Field, string Value, string Reason, FieldProblem Problem = FieldProblem.Other, string? Detail = null);

/// <summary>The rules an action obeys, the same for the API and the import.</summary>
public static class ActionRules
{
    public static readonly string[] CauseCategories = ["people", "product", "market"];
    public static readonly string[] Statuses = ["open", "done"];
    public const int MaxText = 2000;

    /// <summary>人/貨/場 (and the simplified 货/场) are accepted for the English codes the database keeps.</summary>
    public static string? NormalizeCause(string? value) => value?.Trim() switch
    {
        "people" or "人" => "people",
        "product" or "貨" or "货" => "product",
        "market" or "場" or "场" => "market",
        _ => null,
    };

    public static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    public static bool IsEmail(string? text) =>
        !string.IsNullOrWhiteSpace(text) && System.Net.Mail.MailAddress.TryCreate(text.Trim(), out var a) && a.Address == text.Trim() && a.Host.Contains('.', StringComparison.Ordinal);

    /// <summary>The first month an action may be for (docs/input.md).</summary>
    public static readonly Period EarliestPeriod = new(2000, 1);
    /// <summary>How many years after its month an action's due date and checkpoint may lie.</summary>
    public const int MaxYearsAfterPeriod = 2;

    /// <summary>Checks every field and reports all problems at once; returns null fields when any is wrong.</summary>
    /// <param name="today">today in company time: an action is for a month from 2000-01 to a year from today, and its dates lie
    /// within <see cref="MaxYearsAfterPeriod"/> years of that month, so no date is stored as infinity or overflows a time zone</param>
    public static (ActionFields? Fields, IReadOnlyList<FieldError> Errors) Check(ActionDraft d, RepLookup knownReps, ISet<string> knownIndicators, DateOnly today)
    {
        var errors = new List<FieldError>();
        void Fail(string field, string? value, string reason, FieldProblem problem, string? detail = null) =>
            errors.Add(new FieldError(field, value ?? "", reason, problem, detail));
        string Required(string field, string? value)
        {
            var v = value?.Trim() ?? "";
            if (v.Length == 0) Fail(field, value, "required", FieldProblem.Required);
            else if (v.Length > MaxText) Fail(field, v[..40] + "…", $"longer than {MaxText} characters", FieldProblem.TooLong);
            return v;
        }

        var rep = Required("rep_id", d.RepId);
        if (rep.Length > 0 && knownReps.Problem(rep) is { } unknown) Fail("rep_id", rep, unknown, unknown.StartsWith("unknown rep", StringComparison.Ordinal) ? FieldProblem.UnknownRep : FieldProblem.Other);
        var periodOk = Period.TryParse(d.Period?.Trim(), out var period);
        if (!periodOk) Fail("period", d.Period, "expected YYYY-MM", FieldProblem.BadPeriod);
        var latestPeriod = Period.FromDate(today.AddYears(1));
        if (periodOk && (period.CompareTo(EarliestPeriod) < 0 || period.CompareTo(latestPeriod) > 0))
        {
            Fail("period", d.Period, $"not a plausible month; expected one from {EarliestPeriod} to {latestPeriod} (a year from today)", FieldProblem.Other);
            periodOk = false;
        }
        var problem = Required("problem", d.Problem);
        var rootCause = Required("root_cause", d.RootCause);
        var cause = NormalizeCause(d.CauseCategory);
        if (cause is null) Fail("cause_category", d.CauseCategory, "expected people, product or market (人, 貨 or 場)", FieldProblem.BadCause);
        var action = Required("action", d.Action);
        var owner = Required("owner_name", d.OwnerName);
        var email = d.OwnerEmail?.Trim() ?? "";
        if (email.Length == 0) Fail("owner_email", d.OwnerEmail, "required (the reminders go there)", FieldProblem.OwnerEmailRequired);
        else if (!IsEmail(email)) Fail("owner_email", email, "not an email address", FieldProblem.BadEmail);
        var dueOk = TryParseDate(d.DueOn, out var due);
        if (!dueOk) Fail("due_on", d.DueOn, "expected a date YYYY-MM-DD", FieldProblem.BadDate);
        DateOnly? checkpoint = null;
        if (!string.IsNullOrWhiteSpace(d.CheckpointOn))
        {
            if (TryParseDate(d.CheckpointOn, out var c)) checkpoint = c;
            else Fail("checkpoint_on", d.CheckpointOn, "expected a date YYYY-MM-DD", FieldProblem.BadDate);
        }
        if (dueOk && periodOk && due < period.Start) Fail("due_on", d.DueOn, $"before the action's period {period}", FieldProblem.BeforePeriod, period.ToString());
        var latest = periodOk ? period.End.AddYears(MaxYearsAfterPeriod) : DateOnly.MinValue;
        string TooLate() => $"more than {MaxYearsAfterPeriod} years after the action's period {period}; expected a date by {latest:yyyy-MM-dd}";
        if (dueOk && periodOk && due > latest) Fail("due_on", d.DueOn, TooLate(), FieldProblem.Other);
        if (periodOk && checkpoint is { } cp0 && cp0 > latest && !(dueOk && cp0 > due)) Fail("checkpoint_on", d.CheckpointOn, TooLate(), FieldProblem.Other);
        if (dueOk && checkpoint is { } cp && cp > due) Fail("checkpoint_on", d.CheckpointOn, "after the due date", FieldProblem.AfterDue);
        if (periodOk && checkpoint is { } cp2 && cp2 < period.Start) Fail("checkpoint_on", d.CheckpointOn, $"before the action's period {period}", FieldProblem.BeforePeriod, period.ToString());
        var support = string.IsNullOrWhiteSpace(d.SupportNeeded) ? null : d.SupportNeeded.Trim();
        if (support is { Length: > MaxText }) Fail("support_needed", support[..40] + "…", $"longer than {MaxText} characters", FieldProblem.TooLong);
        var indicator = string.IsNullOrWhiteSpace(d.Indicator) ? null : d.Indicator.Trim();
        if (indicator is not null && !knownIndicators.Contains(indicator))
        {
            var known = string.Join(", ", knownIndicators.Order(StringComparer.Ordinal));
            Fail("indicator", indicator, "unknown indicator; expected one of " + known, FieldProblem.UnknownIndicator, known);
        }
        var status = string.IsNullOrWhiteSpace(d.Status) ? null : d.Status.Trim();
        if (status is not null && !Statuses.Contains(status)) Fail("status", status, "expected open or done", FieldProblem.BadStatus);

        return errors.Count > 0
            ? (null, errors)
            : (new ActionFields(rep, period.Start, problem, rootCause, cause!, action, owner, email, due, checkpoint, support, indicator, status), errors);
    }
}
