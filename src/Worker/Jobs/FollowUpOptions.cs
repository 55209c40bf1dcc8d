using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace SalesReporting.Worker.Jobs;

/// <summary>Section "FollowUp": when reminders go out and when an overdue action is escalated.</summary>
public sealed class FollowUpOptions
{
    public const string Section = "FollowUp";

    /// <summary>Local time (company time zone, HH:mm) at which action reminders are sent and the daily scan runs.</summary>
    [Required] public string ReminderTime { get; set; } = "09:00";

    /// <summary>Days overdue after which the team manager is told (once per action).</summary>
    [Range(1, 60)] public int EscalateAfterDays { get; set; } = 3;

    /// <summary>An overdue action reminds its owner the day after the due date, then every this many days.</summary>
    [Range(1, 60)] public int OverdueEveryDays { get; set; } = 7;

    /// <summary>Days after a month ends before a manager is reminded that a rep who needs improvement has no open action; then weekly.</summary>
    [Range(0, 28)] public int LowTierGraceDays { get; set; } = 3;

    public TimeOnly ResolveReminderTime() => TimeOnly.ParseExact(ReminderTime, "HH:mm", CultureInfo.InvariantCulture);

    public bool ReminderTimeIsValid() => TimeOnly.TryParseExact(ReminderTime, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
}
