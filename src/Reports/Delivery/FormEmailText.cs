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
    };
}
