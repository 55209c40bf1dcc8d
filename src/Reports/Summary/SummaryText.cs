namespace SalesReporting.Reports.Summary;

/// <summary>
/// The words of the manager's team summary in zh-CN, zh-TW and en: one table per document, as <c>WorkspaceText</c>
/// (docs/design.md, "Text in three languages"). Shared words (period, team, tiers, units) come from the form's
/// <see cref="Forms.FormText"/> so both documents say the same; indicator names from the catalog, on the model.
/// </summary>
public sealed class SummaryText
{
    public required string Title { get; init; }
    public required string SectionOverview { get; init; }
    public required string SectionChart { get; init; }
    public required string SectionReps { get; init; }
    public required string SectionOverdue { get; init; }
    public required string Region { get; init; }
    public required string RepCount { get; init; }
    public required string AverageScore { get; init; }
    public required string TierCounts { get; init; }
    public required string Acknowledgements { get; init; }
    public required string QuarantinedRows { get; init; }
    /// <summary>{0} = the number of source rows held back by the last sync.</summary>
    public required string QuarantinedRowsNote { get; init; }
    /// <summary>{0} = the indicator charted.</summary>
    public required string ChartCaption { get; init; }
    public required string ColRank { get; init; }
    public required string ColRep { get; init; }
    public required string ColAcknowledged { get; init; }
    public required string ColSubject { get; init; }
    public required string ColDetail { get; init; }
    /// <summary>The spot-check sample's column: the manager's check of each sampled visit (workspace).</summary>
    public required string ColCheck { get; init; }
    public required string CheckVerified { get; init; }
    public required string CheckNotVerified { get; init; }
    public required string CheckPending { get; init; }
    public required string ColDaysOverdue { get; init; }
    public required string Yes { get; init; }
    public required string No { get; init; }
    public required string None { get; init; }
    public required string NoReps { get; init; }
    public required string WholeTeam { get; init; }
    public required IReadOnlyDictionary<string, string> FindingTitles { get; init; }

    /// <summary>The order in which the summary lists its findings, each under its own heading.</summary>
    public static IReadOnlyList<string> FindingKinds { get; } =
        ["team_issue", "key_account_risk", "authenticity", "spot_check", "new_hire_ramp", "config_warning"];

    public string FindingTitle(string kind) => FindingTitles.TryGetValue(kind, out var title) ? title : kind;

    public static SummaryText For(string? locale) => Data.TeamLocale.Pick(Forms.FormText.For(locale).Locale, ZhCn, ZhTw, En);

    public static SummaryText ZhCn { get; } = new()
    {
        Title = "销售团队业绩汇总",
        SectionOverview = "团队概况",
        SectionChart = "完成率对比",
        SectionReps = "销售代表排名",
        SectionOverdue = "逾期改进措施",
        Region = "区域",
        RepCount = "销售代表人数",
        AverageScore = "平均综合得分",
        TierCounts = "绩效分层",
        Acknowledgements = "已确认收到反馈表",
        QuarantinedRows = "数据质量",
        QuarantinedRowsNote = "最近一次同步有 {0} 行源数据因校验不通过被隔离，未计入指标",
        ChartCaption = "{0}完成率（%），虚线为 80% 与 100%",
        ColRank = "排名",
        ColRep = "销售代表",
        ColAcknowledged = "已确认",
        ColSubject = "对象",
        ColDetail = "说明",
        ColCheck = "抽查结果",
        CheckVerified = "属实",
        CheckNotVerified = "不属实",
        CheckPending = "未核实",
        ColDaysOverdue = "逾期天数",
        Yes = "是",
        No = "否",
        None = "无",
        NoReps = "本期无在职销售代表",
        WholeTeam = "全团队",
        FindingTitles = new Dictionary<string, string>
        {
            ["team_issue"] = "团队共性问题",
            ["key_account_risk"] = "重点客户风险",
            ["authenticity"] = "数据真实性核查",
            ["spot_check"] = "抽查样本",
            ["new_hire_ramp"] = "新人成长对比",
            ["config_warning"] = "配置提醒",
        },
    };

    public static SummaryText ZhTw { get; } = new()
    {
        Title = "銷售團隊業績匯總",
        SectionOverview = "團隊概況",
        SectionChart = "完成率對比",
        SectionReps = "銷售代表排名",
        SectionOverdue = "逾期改進措施",
        Region = "區域",
        RepCount = "銷售代表人數",
        AverageScore = "平均綜合得分",
        TierCounts = "績效分層",
        Acknowledgements = "已確認收到反饋表",
        QuarantinedRows = "數據質量",
        QuarantinedRowsNote = "最近一次同步有 {0} 行源數據因校驗不通過被隔離，未計入指標",
        ChartCaption = "{0}完成率（%），虛線為 80% 與 100%",
        ColRank = "排名",
        ColRep = "銷售代表",
        ColAcknowledged = "已確認",
        ColSubject = "對象",
        ColDetail = "說明",
        ColCheck = "抽查結果",
        CheckVerified = "屬實",
        CheckNotVerified = "不屬實",
        CheckPending = "未核實",
        ColDaysOverdue = "逾期天數",
        Yes = "是",
        No = "否",
        None = "無",
        NoReps = "本期無在職銷售代表",
        WholeTeam = "全團隊",
        FindingTitles = new Dictionary<string, string>
        {
            ["team_issue"] = "團隊共性問題",
            ["key_account_risk"] = "重點客戶風險",
            ["authenticity"] = "數據真實性核查",
            ["spot_check"] = "抽查樣本",
            ["new_hire_ramp"] = "新人成長對比",
            ["config_warning"] = "配置提醒",
        },
    };

    public static SummaryText En { get; } = new()
    {
        Title = "Sales team performance summary",
        SectionOverview = "Team overview",
        SectionChart = "Completion by rep",
        SectionReps = "Rep ranking",
        SectionOverdue = "Overdue improvement actions",
        Region = "Region",
        RepCount = "Reps",
        AverageScore = "Average weighted score",
        TierCounts = "Tiers",
        Acknowledgements = "Forms acknowledged",
        QuarantinedRows = "Data quality",
        QuarantinedRowsNote = "The last sync held back {0} source rows that failed validation; they are not in the figures",
        ChartCaption = "{0} completion (%); dashed lines at 80% and 100%",
        ColRank = "Rank",
        ColRep = "Rep",
        ColAcknowledged = "Ack.",
        ColSubject = "Subject",
        ColDetail = "Detail",
        ColCheck = "Check",
        CheckVerified = "Verified",
        CheckNotVerified = "Not verified",
        CheckPending = "Not checked",
        ColDaysOverdue = "Days overdue",
        Yes = "Yes",
        No = "No",
        None = "None",
        NoReps = "No active reps this period",
        WholeTeam = "Whole team",
        FindingTitles = new Dictionary<string, string>
        {
            ["team_issue"] = "Team-wide issues",
            ["key_account_risk"] = "Key account risks",
            ["authenticity"] = "Data authenticity checks",
            ["spot_check"] = "Spot-check sample",
            ["new_hire_ramp"] = "New-hire ramp",
            ["config_warning"] = "Configuration warnings",
        },
    };
}
