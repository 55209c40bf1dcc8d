using System.ComponentModel;
using System.Globalization;
using Hangfire;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Data.Actions;
using SalesReporting.Reports.Delivery;
using SalesReporting.Reports.Reminders;

namespace SalesReporting.Worker.Jobs;

public sealed record FollowUpResult(DateOnly Day, IReadOnlyDictionary<string, int> Sent, int AlreadySent, int Failed, int Verdicts)
{
    public override string ToString() =>
        $"follow-up {Day:yyyy-MM-dd}: sent {(Sent.Count == 0 ? "nothing" : string.Join(", ", Sent.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Value} {s.Key}")))}; " +
        $"{AlreadySent} already sent; {Failed} failed; {Verdicts} effectiveness verdict(s)";
}

/// <summary>The reminders about an action (<see cref="ActionToRemind"/>, read in <see cref="ActionReminders"/>).</summary>
internal static class ActionReminderMessages
{
    public static Reminder ToOwner(this ActionToRemind a, string kind, DateOnly day, DateOnly? asOf = null) =>
        new(kind, day, a.Locale, a.OwnerName, a.OwnerEmail!, a.RepId, a.RepName, a.Id, a.Problem, a.Action, a.DueOn, a.CheckpointOn, null, null, asOf, Data.Period.FromDate(a.Period));

    public static Reminder ToManager(this ActionToRemind a, string kind, DateOnly day, DateOnly asOf) =>
        new(kind, day, a.Locale, a.ManagerName ?? a.ManagerEmail!, a.ManagerEmail!, a.RepId, a.RepName, a.Id, a.Problem, a.Action, a.DueOn, a.CheckpointOn, null, null, asOf, Data.Period.FromDate(a.Period));
}

/// <summary>
/// follow-up-scan(day), the safety net (docs/jobs.md): reminders for actions at their checkpoint or due that day,
/// overdue reminders, escalation to the manager after the configured days overdue, "needs improvement
/// without an open action" reminders to the manager, and the effectiveness verdict after the due date.
/// Every message goes through the delivery ledger keyed by (action, kind, day), so a rerun sends nothing twice.
/// </summary>
public sealed class FollowUpScan(Databases db, ReminderSender sender, IOptions<CompanyOptions> company, IOptions<FollowUpOptions> options,
    TimeProvider clock, ILogger<FollowUpScan> logger)
{
    /// <summary>The recurring entry point: today in the company time zone.</summary>
    [DisplayName("follow-up-scan (today)")]
    [AutomaticRetry(Attempts = 3)]
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public async Task<string> RunTodayAsync(CancellationToken ct)
    {
        var today = company.Value.Today(clock);
        return (await RunAsync(today, ct)).ToString();
    }

    public async Task<FollowUpResult> RunAsync(DateOnly day, CancellationToken ct)
    {
        var o = options.Value;
        var reminders = new List<Reminder>();
        foreach (var a in await ActionReminders.DueAsync(db.Reporting, day, ct))
        {
            var overdue = day.DayNumber - a.DueOn.DayNumber;
            if (a.OwnerEmail is not null)
            {
                if (a.CheckpointOn == day) reminders.Add(a.ToOwner(ReminderKinds.Checkpoint, day));
                if (a.DueOn == day) reminders.Add(a.ToOwner(ReminderKinds.Due, day));
                // Keyed by the first day of the current overdue slot: the day after due, then every N days.
                // A rerun or a backfill inside the same slot finds the same key and sends nothing.
                if (overdue >= 1) reminders.Add(a.ToOwner(ReminderKinds.Overdue, a.DueOn.AddDays(1 + (overdue - 1) / o.OverdueEveryDays * o.OverdueEveryDays), day));
            }
            else logger.LogWarning("Action {Action} of {Rep} has no owner email; no reminder sent", a.Id, a.RepId);
            // Keyed by the day the escalation fell due, so it goes once per action whatever day the scan runs.
            if (overdue >= o.EscalateAfterDays && a.ManagerEmail is not null)
                reminders.Add(a.ToManager(ReminderKinds.Escalation, a.DueOn.AddDays(o.EscalateAfterDays), day));
        }

        var scored = Period.FromDate(day).Previous;
        var firstDay = scored.End.AddDays(o.LowTierGraceDays);
        if (day >= firstDay)
        {
            var slot = firstDay.AddDays((day.DayNumber - firstDay.DayNumber) / 7 * 7);
            var lowTier = await ActionReminders.NeedingImprovementWithoutActionAsync(db.Reporting, scored, ct);
            reminders.AddRange(lowTier.Select(l => new Reminder(ReminderKinds.LowTier, slot, l.Locale, l.ManagerName ?? l.ManagerEmail!, l.ManagerEmail!,
                l.RepId, l.RepName, null, null, null, null, null, scored, l.Score, RepPage: scored)));
        }

        var sent = new Dictionary<string, int>(StringComparer.Ordinal);
        int already = 0, failed = 0;
        foreach (var r in reminders)
        {
            var (outcome, _) = await sender.SendAsync(r, ct);
            switch (outcome)
            {
                case DeliveryOutcome.Sent: sent[r.Kind] = sent.GetValueOrDefault(r.Kind) + 1; break;
                case DeliveryOutcome.AlreadySent: already++; break;
                default: failed++; break;
            }
        }
        var verdicts = await JudgeEffectivenessAsync(day, ct);
        var result = new FollowUpResult(day, sent, already, failed, verdicts);
        logger.LogInformation("{Result}", result.ToString());
        return result;
    }

    /// <summary>The effectiveness verdicts as of the day (<see cref="ActionEffectiveness"/>).</summary>
    public Task<int> JudgeEffectivenessAsync(DateOnly day, CancellationToken ct) => ActionEffectiveness.JudgeAsync(db.Reporting, day, ct);
}

/// <summary>follow-up(action, kind, date): the reminder at one checkpoint or due date, if it still applies.</summary>
public sealed class FollowUpJob(Databases db, ReminderSender sender, ILogger<FollowUpJob> logger)
{
    [DisplayName("follow-up action {0} {1} {2}")]
    [AutomaticRetry(Attempts = 5)]
    public async Task<string> RunAsync(long actionId, string kind, string scheduledFor, CancellationToken ct)
    {
        var day = DateOnly.ParseExact(scheduledFor, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var a = await ActionReminders.ByIdAsync(db.Reporting, actionId, ct);
        if (a is null) return $"action {actionId} no longer exists; nothing to do";
        if (a.Status != "open") return $"action {actionId} is {a.Status}; nothing to do";
        var current = kind switch
        {
            ReminderKinds.Checkpoint => a.CheckpointOn,
            ReminderKinds.Due => a.DueOn,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "expected checkpoint or due"),
        };
        if (current != day) return $"action {actionId}: the {kind} date moved from {scheduledFor} to {current?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "none"}; nothing to do";
        if (a.OwnerEmail is null)
        {
            logger.LogWarning("Action {Action} of {Rep} has no owner email; no reminder sent", a.Id, a.RepId);
            return $"action {actionId}: no owner email";
        }
        var (outcome, error) = await sender.SendAsync(a.ToOwner(kind, day), ct);
        return $"action {actionId} {kind} {scheduledFor}: {outcome}{(error is null ? "" : ": " + error)}";
    }
}
