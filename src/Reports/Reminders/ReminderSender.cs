using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Reports.Delivery;

namespace SalesReporting.Reports.Reminders;

/// <summary>Sends a reminder through the delivery ledger (kind 'reminder'), so one (action, kind, day) is mailed once.</summary>
public sealed class ReminderSender(DeliveryLedger ledger, IOptions<MailOptions> mail)
{
    public async Task<(DeliveryOutcome Outcome, string? Error)> SendAsync(Reminder reminder, CancellationToken ct) =>
        await ledger.DeliverAsync(new DeliveryKey("reminder", Period.FromDate(reminder.Day), reminder.SubjectId, reminder.ToEmail),
            _ => ReminderEmail.Compose(reminder, mail.Value.From), force: false, ct);
}
