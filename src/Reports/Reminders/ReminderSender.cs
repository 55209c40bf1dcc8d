using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Reports.Delivery;

namespace SalesReporting.Reports.Reminders;

/// <summary>Where a page of the workspace is reached from a mail client: the worker's public address, when it is configured.</summary>
public interface IWorkspaceLinks
{
    /// <summary>The absolute URL of a workspace path (e.g. /app/reps/R001/2026-10), or null when there is no public address.</summary>
    string? Url(string path);
}

/// <summary>No workspace address: emails carry no workspace button (what the reports alone know).</summary>
public sealed class NoWorkspaceLinks : IWorkspaceLinks
{
    public string? Url(string path) => null;
}

/// <summary>Sends a reminder through the delivery ledger (kind 'reminder'), so one (action, kind, day) is mailed once.</summary>
public sealed class ReminderSender(DeliveryLedger ledger, IOptions<MailOptions> mail, IWorkspaceLinks links)
{
    public async Task<(DeliveryOutcome Outcome, string? Error)> SendAsync(Reminder reminder, CancellationToken ct) =>
        await ledger.DeliverAsync(new DeliveryKey("reminder", Period.FromDate(reminder.Day), reminder.SubjectId, reminder.ToEmail),
            _ => ReminderEmail.Compose(reminder, mail.Value.From, reminder.WorkspacePath is { } path ? links.Url(path) : null), force: false, ct);
}
