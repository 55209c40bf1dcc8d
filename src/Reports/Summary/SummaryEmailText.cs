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
    public required string NothingNeedsAttention { get; init; }
    /// <summary>{0} = how many key indicators the email shows.</summary>
    public required string RankingNote { get; init; }
    public required string OpenWorkspace { get; init; }
    public required string Attached { get; init; }

    public static SummaryEmailText For(string? locale) => Data.TeamLocale.Pick(Forms.FormText.For(locale).Locale, ZhCn, ZhTw, En);

    public static SummaryEmailText ZhCn { get; } = new()
    {
        Subject = "【团队汇总】{0} {1}",
        Greeting = "{0}，您好：",
        Intro = "附件是 {1} {0} 的团队业绩汇总。",
        Findings = "待关注事项",
        NothingNeedsAttention = "本月没有待关注事项。",
        RankingNote = "按排名排列，显示前 {0} 个关键指标的完成率；全部指标见附件。",
        OpenWorkspace = "打开团队页面",
        Attached = "附件：团队汇总 PDF，及团队工作簿（Excel，每位销售代表一页）。",
    };

    public static SummaryEmailText ZhTw { get; } = new()
    {
        Subject = "【團隊匯總】{0} {1}",
        Greeting = "{0}，您好：",
        Intro = "附件是 {1} {0} 的團隊業績匯總。",
        Findings = "待關注事項",
        NothingNeedsAttention = "本月沒有待關注事項。",
        RankingNote = "按排名排列，顯示前 {0} 個關鍵指標的完成率；全部指標見附件。",
        OpenWorkspace = "打開團隊頁面",
        Attached = "附件：團隊匯總 PDF，及團隊工作簿（Excel，每位銷售代表一頁）。",
    };

    public static SummaryEmailText En { get; } = new()
    {
        Subject = "[Team summary] {0} {1}",
        Greeting = "Dear {0},",
        Intro = "Attached is the performance summary of {1} for {0}.",
        Findings = "Needs attention",
        NothingNeedsAttention = "Nothing needs attention this month.",
        RankingNote = "In rank order, with the completion of the first {0} key indicators; every indicator is in the attachments.",
        OpenWorkspace = "Open the team page",
        Attached = "Attached: the team summary (PDF) and the team workbook (Excel, a sheet per rep).",
    };
}
