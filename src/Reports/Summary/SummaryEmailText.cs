namespace SalesReporting.Reports.Summary;

/// <summary>
/// The words of the month-end email to a team's manager (<see cref="SummaryEmail"/>) in zh-CN (the default), zh-TW and
/// en: one table per document, as <c>WorkspaceText</c>. The figures' words come from the summary's <see cref="SummaryText"/>.
/// </summary>
public sealed class SummaryEmailText
{
    /// <summary>{0} = period, {1} = team name.</summary>
    public required string Subject { get; init; }
    /// <summary>{0} = manager name.</summary>
    public required string Greeting { get; init; }
    /// <summary>{0} = period, {1} = team name.</summary>
    public required string Intro { get; init; }
    public required string Findings { get; init; }

    public static SummaryEmailText For(string? locale) => Data.TeamLocale.Pick(Forms.FormText.For(locale).Locale, ZhCn, ZhTw, En);

    public static SummaryEmailText ZhCn { get; } = new()
    {
        Subject = "【团队汇总】{0} {1}",
        Greeting = "{0}，您好：",
        Intro = "附件是 {1} {0} 的团队业绩汇总。",
        Findings = "待关注事项",
    };

    public static SummaryEmailText ZhTw { get; } = new()
    {
        Subject = "【團隊匯總】{0} {1}",
        Greeting = "{0}，您好：",
        Intro = "附件是 {1} {0} 的團隊業績匯總。",
        Findings = "待關注事項",
    };

    public static SummaryEmailText En { get; } = new()
    {
        Subject = "[Team summary] {0} {1}",
        Greeting = "Dear {0},",
        Intro = "Attached is the performance summary of {1} for {0}.",
        Findings = "Needs attention",
    };
}
