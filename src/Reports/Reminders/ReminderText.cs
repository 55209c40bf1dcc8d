namespace SalesReporting.Reports.Reminders;

/// <summary>
/// Every word of the reminder emails (<see cref="ReminderEmail"/>), in zh-CN (the default), zh-TW and en: one table
/// per document, as <c>WorkspaceText</c> (docs/design.md, "Text in three languages").
/// </summary>
public sealed class ReminderText
{
    /// <summary>{0} = whom it is to.</summary>
    public required string Greeting { get; init; }
    /// <summary>{0} = the problem.</summary>
    public required string CheckpointSubject { get; init; }
    /// <summary>{0} = the checkpoint date.</summary>
    public required string CheckpointLead { get; init; }
    /// <summary>{0} = the problem.</summary>
    public required string DueSubject { get; init; }
    /// <summary>{0} = the due date.</summary>
    public required string DueLead { get; init; }
    /// <summary>{0} = the problem, {1} = days overdue.</summary>
    public required string OverdueSubject { get; init; }
    /// <summary>{0} = the due date, {1} = days overdue.</summary>
    public required string OverdueLead { get; init; }
    /// <summary>{0} = the rep, {1} = the problem.</summary>
    public required string EscalationSubject { get; init; }
    /// <summary>{0} = the rep, {1} = the due date, {2} = days overdue.</summary>
    public required string EscalationLead { get; init; }
    /// <summary>{0} = the rep, {1} = the scored period.</summary>
    public required string LowTierSubject { get; init; }
    /// <summary>{0} = the rep, {1} = the scored period, {2} = the score.</summary>
    public required string LowTierLead { get; init; }
    public required string Rep { get; init; }
    public required string Problem { get; init; }
    public required string ActionLabel { get; init; }
    public required string DueLabel { get; init; }
    public required string CheckpointLabel { get; init; }
    public required string OpenWorkspace { get; init; }

    public static ReminderText For(string? locale) => Data.TeamLocale.Pick(locale, ZhCn, ZhTw, En);

    public static ReminderText ZhCn { get; } = new()
    {
        Greeting = "{0}，您好：",
        OpenWorkspace = "在工作台中查看",
        CheckpointSubject = "【改进计划检查点】{0}",
        CheckpointLead = "今天（{0}）是以下改进措施的检查点，请更新进展。",
        DueSubject = "【改进计划到期】{0}",
        DueLead = "以下改进措施今天（{0}）到期，请确认是否完成。",
        OverdueSubject = "【改进计划逾期 {1} 天】{0}",
        OverdueLead = "以下改进措施已于 {0} 到期，目前逾期 {1} 天，仍未完成。",
        EscalationSubject = "【逾期升级】{0}：{1}",
        EscalationLead = "{0} 的改进措施已于 {1} 到期，逾期 {2} 天仍未完成，请跟进。",
        LowTierSubject = "【待提升未制定改进计划】{0} {1}",
        LowTierLead = "{0} 在 {1} 的综合得分为 {2}（待提升），目前没有进行中的改进措施，请与其面谈并制定改进计划。",
        Rep = "销售代表",
        Problem = "问题",
        ActionLabel = "改进措施",
        DueLabel = "完成时间",
        CheckpointLabel = "检查节点",
    };

    public static ReminderText ZhTw { get; } = new()
    {
        Greeting = "{0}，您好：",
        OpenWorkspace = "在工作台中查看",
        CheckpointSubject = "【改進計劃檢查點】{0}",
        CheckpointLead = "今天（{0}）是以下改進措施的檢查點，請更新進展。",
        DueSubject = "【改進計劃到期】{0}",
        DueLead = "以下改進措施今天（{0}）到期，請確認是否完成。",
        OverdueSubject = "【改進計劃逾期 {1} 天】{0}",
        OverdueLead = "以下改進措施已於 {0} 到期，目前逾期 {1} 天，仍未完成。",
        EscalationSubject = "【逾期升級】{0}：{1}",
        EscalationLead = "{0} 的改進措施已於 {1} 到期，逾期 {2} 天仍未完成，請跟進。",
        LowTierSubject = "【待提升未制定改進計劃】{0} {1}",
        LowTierLead = "{0} 在 {1} 的綜合得分為 {2}（待提升），目前沒有進行中的改進措施，請與其面談並制定改進計劃。",
        Rep = "銷售代表",
        Problem = "問題",
        ActionLabel = "改進措施",
        DueLabel = "完成時間",
        CheckpointLabel = "檢查節點",
    };

    public static ReminderText En { get; } = new()
    {
        Greeting = "Dear {0},",
        OpenWorkspace = "Open in the workspace",
        CheckpointSubject = "[Action checkpoint] {0}",
        CheckpointLead = "Today ({0}) is the checkpoint of this improvement action; please update its progress.",
        DueSubject = "[Action due] {0}",
        DueLead = "This improvement action is due today ({0}); please confirm whether it is done.",
        OverdueSubject = "[Action overdue {1} days] {0}",
        OverdueLead = "This improvement action was due on {0} and is {1} days overdue.",
        EscalationSubject = "[Escalation] {0}: {1}",
        EscalationLead = "An improvement action of {0} was due on {1} and is still open {2} days later; please follow it up.",
        LowTierSubject = "[Needs improvement, no action] {0} {1}",
        LowTierLead = "{0} scored {2} in {1} (needs improvement) and has no open improvement action; please meet them and agree one.",
        Rep = "Rep",
        Problem = "Problem",
        ActionLabel = "Action",
        DueLabel = "Due",
        CheckpointLabel = "Checkpoint",
    };
}
