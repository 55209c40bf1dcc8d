using System.Globalization;
using MimeKit;
using SalesReporting.Data;

namespace SalesReporting.Reports.Reminders;

/// <summary>checkpoint | due | overdue | escalation | low_tier</summary>
public static class ReminderKinds
{
    public const string Checkpoint = "checkpoint";
    public const string Due = "due";
    public const string Overdue = "overdue";
    public const string Escalation = "escalation";
    public const string LowTier = "low_tier";
}

/// <summary>What a reminder is about. For low_tier there is no action: the rep and the scored period.</summary>
public sealed record Reminder(
    string Kind, DateOnly Day, string Locale, string ToName, string ToEmail, string RepId, string RepName,
    long? ActionId, string? Problem, string? Action, DateOnly? DueOn, DateOnly? CheckpointOn, Period? ScoredPeriod, decimal? Score,
    DateOnly? AsOf = null, Period? RepPage = null)
{
    /// <summary>The rep's page in the workspace where it is acted on (the action's month, or the scored month), or null.</summary>
    public string? WorkspacePath => RepPage is { } p ? $"/app/reps/{Uri.EscapeDataString(RepId)}/{p}" : null;

    /// <summary>The delivery ledger's subject: one reminder per (action, kind, day), or per (rep, low_tier, day).</summary>
    public string SubjectId => ActionId is { } id
        ? string.Create(CultureInfo.InvariantCulture, $"A{id}.{Kind}.{Day:yyyyMMdd}")
        : string.Create(CultureInfo.InvariantCulture, $"R{RepId}.{Kind}.{Day:yyyyMMdd}");

    /// <summary>As of the day it is sent, which may lie after the day that keys it (a weekly slot, a rerun).</summary>
    public int DaysOverdue => DueOn is { } due ? (AsOf ?? Day).DayNumber - due.DayNumber : 0;
}

/// <summary>Reminder emails in the team's locale (zh-CN default, zh-TW, en).</summary>
public static class ReminderEmail
{
    /// <param name="workspaceUrl">where the person acts on it in the workspace; no button without one</param>
    public static MimeMessage Compose(Reminder r, string from, string? workspaceUrl = null)
    {
        var t = ReminderText.For(r.Locale);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(new MailboxAddress(r.ToName, r.ToEmail));
        string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
        var due = r.DueOn is { } d ? Forms.FormText.FormatDate(d) : "";
        var checkpoint = r.CheckpointOn is { } c ? Forms.FormText.FormatDate(c) : "";
        var (subject, lead) = r.Kind switch
        {
            ReminderKinds.Checkpoint => (F(t.CheckpointSubject, r.Problem), F(t.CheckpointLead, checkpoint)),
            ReminderKinds.Due => (F(t.DueSubject, r.Problem), F(t.DueLead, due)),
            ReminderKinds.Overdue => (F(t.OverdueSubject, r.Problem, r.DaysOverdue), F(t.OverdueLead, due, r.DaysOverdue)),
            ReminderKinds.Escalation => (F(t.EscalationSubject, r.RepName, r.Problem), F(t.EscalationLead, r.RepName, due, r.DaysOverdue)),
            ReminderKinds.LowTier => (F(t.LowTierSubject, r.RepName, r.ScoredPeriod), F(t.LowTierLead, r.RepName, r.ScoredPeriod,
                r.Score is { } s ? Forms.Format.Score(s) : Forms.FormText.For(r.Locale).NoValue)),
            _ => throw new ArgumentOutOfRangeException(nameof(r), r.Kind, "unknown reminder kind"),
        };
        message.Subject = subject;
        var lines = new List<(string Label, string Value)>();
        if (r.ActionId is not null)
        {
            lines.Add((t.Rep, r.RepName));
            lines.Add((t.Problem, r.Problem ?? ""));
            lines.Add((t.ActionLabel, r.Action ?? ""));
            lines.Add((t.DueLabel, due));
            if (r.CheckpointOn is not null) lines.Add((t.CheckpointLabel, checkpoint));
        }
        var digest = new Delivery.Digest(Forms.FormText.For(r.Locale).HtmlLang, subject)
            .Paragraph(F(t.Greeting, r.ToName))
            .Paragraph(lead);
        if (lines.Count > 0)
            digest.List(lines.Select(l => (l.Label, l.Value, l.Label == t.DueLabel && r.Kind is ReminderKinds.Overdue or ReminderKinds.Escalation ? "behind" : (string?)null)).ToList(), "");
        digest.Buttons([(t.OpenWorkspace, workspaceUrl, true)]);
        message.Body = new BodyBuilder { HtmlBody = digest.Html, TextBody = digest.Text }.ToMessageBody();
        return message;
    }
}
