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

/// <summary>One field that is wrong and why; the field is named as in the file header and the JSON body.</summary>
public sealed record FieldError(string Field, string Value, string Reason);

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
        void Fail(string field, string? value, string reason) => errors.Add(new FieldError(field, value ?? "", reason));
        string Required(string field, string? value)
        {
            var v = value?.Trim() ?? "";
            if (v.Length == 0) Fail(field, value, "required");
            else if (v.Length > MaxText) Fail(field, v[..40] + "…", $"longer than {MaxText} characters");
            return v;
        }

        var rep = Required("rep_id", d.RepId);
        if (rep.Length > 0 && knownReps.Problem(rep) is { } unknown) Fail("rep_id", rep, unknown);
        var periodOk = Period.TryParse(d.Period?.Trim(), out var period);
        if (!periodOk) Fail("period", d.Period, "expected YYYY-MM");
        var latestPeriod = Period.FromDate(today.AddYears(1));
        if (periodOk && (period.CompareTo(EarliestPeriod) < 0 || period.CompareTo(latestPeriod) > 0))
        {
            Fail("period", d.Period, $"not a plausible month; expected one from {EarliestPeriod} to {latestPeriod} (a year from today)");
            periodOk = false;
        }
        var problem = Required("problem", d.Problem);
        var rootCause = Required("root_cause", d.RootCause);
        var cause = NormalizeCause(d.CauseCategory);
        if (cause is null) Fail("cause_category", d.CauseCategory, "expected people, product or market (人, 貨 or 場)");
        var action = Required("action", d.Action);
        var owner = Required("owner_name", d.OwnerName);
        var email = d.OwnerEmail?.Trim() ?? "";
        if (email.Length == 0) Fail("owner_email", d.OwnerEmail, "required (the reminders go there)");
        else if (!IsEmail(email)) Fail("owner_email", email, "not an email address");
        var dueOk = TryParseDate(d.DueOn, out var due);
        if (!dueOk) Fail("due_on", d.DueOn, "expected a date YYYY-MM-DD");
        DateOnly? checkpoint = null;
        if (!string.IsNullOrWhiteSpace(d.CheckpointOn))
        {
            if (TryParseDate(d.CheckpointOn, out var c)) checkpoint = c;
            else Fail("checkpoint_on", d.CheckpointOn, "expected a date YYYY-MM-DD");
        }
        if (dueOk && periodOk && due < period.Start) Fail("due_on", d.DueOn, $"before the action's period {period}");
        var latest = periodOk ? period.End.AddYears(MaxYearsAfterPeriod) : DateOnly.MinValue;
        string TooLate() => $"more than {MaxYearsAfterPeriod} years after the action's period {period}; expected a date by {latest:yyyy-MM-dd}";
        if (dueOk && periodOk && due > latest) Fail("due_on", d.DueOn, TooLate());
        if (periodOk && checkpoint is { } cp0 && cp0 > latest && !(dueOk && cp0 > due)) Fail("checkpoint_on", d.CheckpointOn, TooLate());
        if (dueOk && checkpoint is { } cp && cp > due) Fail("checkpoint_on", d.CheckpointOn, "after the due date");
        if (periodOk && checkpoint is { } cp2 && cp2 < period.Start) Fail("checkpoint_on", d.CheckpointOn, $"before the action's period {period}");
        var support = string.IsNullOrWhiteSpace(d.SupportNeeded) ? null : d.SupportNeeded.Trim();
        if (support is { Length: > MaxText }) Fail("support_needed", support[..40] + "…", $"longer than {MaxText} characters");
        var indicator = string.IsNullOrWhiteSpace(d.Indicator) ? null : d.Indicator.Trim();
        if (indicator is not null && !knownIndicators.Contains(indicator))
            Fail("indicator", indicator, "unknown indicator; expected one of " + string.Join(", ", knownIndicators.Order(StringComparer.Ordinal)));
        var status = string.IsNullOrWhiteSpace(d.Status) ? null : d.Status.Trim();
        if (status is not null && !Statuses.Contains(status)) Fail("status", status, "expected open or done");

        return errors.Count > 0
            ? (null, errors)
            : (new ActionFields(rep, period.Start, problem, rootCause, cause!, action, owner, email, due, checkpoint, support, indicator, status), errors);
    }
}
