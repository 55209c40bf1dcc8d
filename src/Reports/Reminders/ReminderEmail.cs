using System.Globalization;
using System.Net;
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
    DateOnly? AsOf = null)
{
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
    public static MimeMessage Compose(Reminder r, string from)
    {
        var t = Texts(r.Locale);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(new MailboxAddress(r.ToName, r.ToEmail));
        string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
        var due = r.DueOn is { } d ? Forms.Labels.FormatDate(d) : "";
        var checkpoint = r.CheckpointOn is { } c ? Forms.Labels.FormatDate(c) : "";
        var (subject, lead) = r.Kind switch
        {
            ReminderKinds.Checkpoint => (F(t.CheckpointSubject, r.Problem), F(t.CheckpointLead, checkpoint)),
            ReminderKinds.Due => (F(t.DueSubject, r.Problem), F(t.DueLead, due)),
            ReminderKinds.Overdue => (F(t.OverdueSubject, r.Problem, r.DaysOverdue), F(t.OverdueLead, due, r.DaysOverdue)),
            ReminderKinds.Escalation => (F(t.EscalationSubject, r.RepName, r.Problem), F(t.EscalationLead, r.RepName, due, r.DaysOverdue)),
            ReminderKinds.LowTier => (F(t.LowTierSubject, r.RepName, r.ScoredPeriod), F(t.LowTierLead, r.RepName, r.ScoredPeriod,
                r.Score is { } s ? Forms.Format.Score(s) : Forms.Labels.For(r.Locale).NoValue)),
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
        var html = $"""
            <!DOCTYPE html><html><body style="font-family:sans-serif">
            <p>{WebUtility.HtmlEncode(F(t.Greeting, r.ToName))}</p>
            <p>{WebUtility.HtmlEncode(lead)}</p>
            <table cellpadding="4">{string.Concat(lines.Select(l => $"<tr><th style=\"text-align:left\">{WebUtility.HtmlEncode(l.Label)}</th><td>{WebUtility.HtmlEncode(l.Value)}</td></tr>"))}</table>
            </body></html>
            """;
        var text = F(t.Greeting, r.ToName) + "\n\n" + lead + "\n\n" + string.Join("\n", lines.Select(l => $"{l.Label}: {l.Value}"));
        message.Body = new BodyBuilder { HtmlBody = html, TextBody = text }.ToMessageBody();
        return message;
    }

    private sealed record T(string Greeting, string CheckpointSubject, string CheckpointLead, string DueSubject, string DueLead,
        string OverdueSubject, string OverdueLead, string EscalationSubject, string EscalationLead, string LowTierSubject, string LowTierLead,
        string Rep, string Problem, string ActionLabel, string DueLabel, string CheckpointLabel);

    private static T Texts(string locale) => locale switch
    {
        "zh-TW" => new("{0}，您好：",
            "【改進計劃檢查點】{0}", "今天（{0}）是以下改進措施的檢查點，請更新進展。",
            "【改進計劃到期】{0}", "以下改進措施今天（{0}）到期，請確認是否完成。",
            "【改進計劃逾期 {1} 天】{0}", "以下改進措施已於 {0} 到期，目前逾期 {1} 天，仍未完成。",
            "【逾期升級】{0}：{1}", "{0} 的改進措施已於 {1} 到期，逾期 {2} 天仍未完成，請跟進。",
            "【待提升未制定改進計劃】{0} {1}", "{0} 在 {1} 的綜合得分為 {2}（待提升），目前沒有進行中的改進措施，請與其面談並制定改進計劃。",
            "銷售代表", "問題", "改進措施", "完成時間", "檢查節點"),
        "en" => new("Dear {0},",
            "[Action checkpoint] {0}", "Today ({0}) is the checkpoint of this improvement action; please update its progress.",
            "[Action due] {0}", "This improvement action is due today ({0}); please confirm whether it is done.",
            "[Action overdue {1} days] {0}", "This improvement action was due on {0} and is {1} days overdue.",
            "[Escalation] {0}: {1}", "An improvement action of {0} was due on {1} and is still open {2} days later; please follow it up.",
            "[Needs improvement, no action] {0} {1}", "{0} scored {2} in {1} (needs improvement) and has no open improvement action; please meet them and agree one.",
            "Rep", "Problem", "Action", "Due", "Checkpoint"),
        _ => new("{0}，您好：",
            "【改进计划检查点】{0}", "今天（{0}）是以下改进措施的检查点，请更新进展。",
            "【改进计划到期】{0}", "以下改进措施今天（{0}）到期，请确认是否完成。",
            "【改进计划逾期 {1} 天】{0}", "以下改进措施已于 {0} 到期，目前逾期 {1} 天，仍未完成。",
            "【逾期升级】{0}：{1}", "{0} 的改进措施已于 {1} 到期，逾期 {2} 天仍未完成，请跟进。",
            "【待提升未制定改进计划】{0} {1}", "{0} 在 {1} 的综合得分为 {2}（待提升），目前没有进行中的改进措施，请与其面谈并制定改进计划。",
            "销售代表", "问题", "改进措施", "完成时间", "检查节点"),
    };
}
