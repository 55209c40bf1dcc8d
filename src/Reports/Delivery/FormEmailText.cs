namespace SalesReporting.Reports.Delivery;

/// <summary>
/// Every word of the month-end email to a rep (<see cref="FormEmail"/>), in zh-CN (the default), zh-TW and en: one
/// table per document, as <c>WorkspaceText</c> (docs/design.md, "Text in three languages").
/// </summary>
public sealed class FormEmailText
{
    /// <summary>{0} = period, {1} = rep name.</summary>
    public required string Subject { get; init; }
    /// <summary>{0} = rep name.</summary>
    public required string Greeting { get; init; }
    /// <summary>{0} = period.</summary>
    public required string Intro { get; init; }
    public required string Score { get; init; }
    public required string Indicator { get; init; }
    public required string Target { get; init; }
    public required string Actual { get; init; }
    public required string Completion { get; init; }
    public required string Acknowledge { get; init; }
    public required string KeyIndicators { get; init; }
    public required string Anomalies { get; init; }
    public required string NoAnomalies { get; init; }
    public required string ActionsDue { get; init; }
    /// <summary>{0} = days ahead.</summary>
    public required string NoActionsDue { get; init; }
    public required string OpenWorkspace { get; init; }
    public required string Attached { get; init; }

    public static FormEmailText For(string? locale) => Data.TeamLocale.Pick(locale, ZhCn, ZhTw, En);

    public static FormEmailText ZhCn { get; } = new()
    {
        Subject = "【业绩反馈】{0} {1}",
        Greeting = "{0}，您好：",
        Intro = "附件是您 {0} 的销售团队业绩跟踪与反馈表。",
        Score = "综合得分",
        Indicator = "指标",
        Target = "目标值",
        Actual = "实际值",
        Completion = "完成率",
        Acknowledge = "确认已收到",
        KeyIndicators = "关键指标",
        Anomalies = "异常指标与原因",
        NoAnomalies = "本月没有异常指标。",
        ActionsDue = "近两周到期的改进措施",
        NoActionsDue = "未来 {0} 天内没有到期的改进措施。",
        OpenWorkspace = "在工作台中查看与回复",
        Attached = "完整的反馈表见附件 PDF。",
    };

    public static FormEmailText ZhTw { get; } = new()
    {
        Subject = "【業績反饋】{0} {1}",
        Greeting = "{0}，您好：",
        Intro = "附件是您 {0} 的銷售團隊業績跟蹤與反饋表。",
        Score = "綜合得分",
        Indicator = "指標",
        Target = "目標值",
        Actual = "實際值",
        Completion = "完成率",
        Acknowledge = "確認已收到",
        KeyIndicators = "關鍵指標",
        Anomalies = "異常指標與原因",
        NoAnomalies = "本月沒有異常指標。",
        ActionsDue = "近兩週到期的改進措施",
        NoActionsDue = "未來 {0} 天內沒有到期的改進措施。",
        OpenWorkspace = "在工作台中查看與回覆",
        Attached = "完整的反饋表見附件 PDF。",
    };

    public static FormEmailText En { get; } = new()
    {
        Subject = "[Performance feedback] {0} {1}",
        Greeting = "Dear {0},",
        Intro = "Attached is your sales performance tracking & feedback form for {0}.",
        Score = "Weighted score",
        Indicator = "Indicator",
        Target = "Target",
        Actual = "Actual",
        Completion = "Completion",
        Acknowledge = "Confirm receipt",
        KeyIndicators = "Key indicators",
        Anomalies = "Anomalies and their reasons",
        NoAnomalies = "No indicator was flagged this month.",
        ActionsDue = "Improvement actions due in the next two weeks",
        NoActionsDue = "No improvement action is due in the next {0} days.",
        OpenWorkspace = "View and reply in the workspace",
        Attached = "The full form is attached as a PDF.",
    };
}
