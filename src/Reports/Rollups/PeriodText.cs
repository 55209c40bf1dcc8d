using System.Globalization;
using SalesReporting.Data.Indicators;

namespace SalesReporting.Reports.Rollups;

/// <summary>
/// The words of the quarter's and the year's review (form, summary, emails) that the monthly form does not have, in
/// zh-CN (the default), zh-TW and en: one table per document (docs/design.md, "Text in three languages"). The words
/// they share with the monthly form (columns, tiers, causes, statuses, verdicts) are <see cref="Forms.FormText"/>'s.
/// </summary>
public sealed class PeriodText
{
    public required string QuarterTitle { get; init; }
    public required string YearTitle { get; init; }
    public required string QuarterSummaryTitle { get; init; }
    public required string YearSummaryTitle { get; init; }
    /// <summary>{0} = year, {1} = quarter.</summary>
    public required string QuarterFormat { get; init; }
    /// <summary>{0} = year.</summary>
    public required string YearFormat { get; init; }
    /// <summary>{0} = month number.</summary>
    public required string MonthFormat { get; init; }
    public required string Total { get; init; }
    public required string Weight { get; init; }
    public required string SectionIndicators { get; init; }
    public required string SectionScore { get; init; }
    public required string SectionActions { get; init; }
    public required string SectionRanking { get; init; }
    public required string PeriodScore { get; init; }
    public required string MonthScores { get; init; }
    public required string ColMonth { get; init; }
    public required string Basis { get; init; }
    /// <summary>{0} = whom it is to, {1} = the period.</summary>
    public required string Greeting { get; init; }
    /// <summary>{0} = the period.</summary>
    public required string FormIntro { get; init; }
    /// <summary>{0} = the period, {1} = the team.</summary>
    public required string SummaryIntro { get; init; }
    public required string Attached { get; init; }

    public static PeriodText For(string? locale) => Data.TeamLocale.Pick(locale, ZhCn, ZhTw, En);

    public string Name(RollupPeriod period) => period.Quarter is { } q
        ? string.Format(CultureInfo.InvariantCulture, QuarterFormat, period.Year, q)
        : string.Format(CultureInfo.InvariantCulture, YearFormat, period.Year);

    public string Title(RollupPeriod period) => period.Quarter is null ? YearTitle : QuarterTitle;
    public string SummaryTitle(RollupPeriod period) => period.Quarter is null ? YearSummaryTitle : QuarterSummaryTitle;
    public string Month(Data.Period month) => string.Format(CultureInfo.InvariantCulture, MonthFormat, month.Month,
        month.Start.ToString("MMM", CultureInfo.InvariantCulture));

    public static PeriodText ZhCn { get; } = new()
    {
        QuarterTitle = "季度业绩回顾表",
        YearTitle = "年度业绩回顾表",
        QuarterSummaryTitle = "团队季度业绩汇总",
        YearSummaryTitle = "团队年度业绩汇总",
        QuarterFormat = "{0}年第{1}季度",
        YearFormat = "{0}年度",
        MonthFormat = "{0}月",
        Total = "合计",
        Weight = "权重",
        SectionIndicators = "业绩指标（各月与本期合计）",
        SectionScore = "综合得分与分层",
        SectionActions = "本期改进措施及效果",
        SectionRanking = "销售代表排名",
        PeriodScore = "本期综合得分",
        MonthScores = "各月综合得分",
        ColMonth = "月份",
        Basis = "金额与数量为各月之和；比率为各月分子之和 ÷ 分母之和；目标为各月目标之和（比率按分母加权），或为本期单独设定的目标。综合得分按本期完成率与权重计算。",
        Greeting = "{0}，您好：{1}的业绩回顾如下，完整表格见附件 PDF。",
        FormIntro = "{0}业绩回顾",
        SummaryIntro = "{1}{0}的团队汇总如下，完整汇总见附件 PDF。",
        Attached = "附件：本期回顾 PDF。",
    };

    public static PeriodText ZhTw { get; } = new()
    {
        QuarterTitle = "季度業績回顧表",
        YearTitle = "年度業績回顧表",
        QuarterSummaryTitle = "團隊季度業績匯總",
        YearSummaryTitle = "團隊年度業績匯總",
        QuarterFormat = "{0}年第{1}季",
        YearFormat = "{0}年度",
        MonthFormat = "{0}月",
        Total = "合計",
        Weight = "權重",
        SectionIndicators = "業績指標（各月與本期合計）",
        SectionScore = "綜合得分與分層",
        SectionActions = "本期改進措施及效果",
        SectionRanking = "銷售代表排名",
        PeriodScore = "本期綜合得分",
        MonthScores = "各月綜合得分",
        ColMonth = "月份",
        Basis = "金額與數量為各月之和；比率為各月分子之和 ÷ 分母之和；目標為各月目標之和（比率按分母加權），或為本期單獨設定的目標。綜合得分按本期達成率與權重計算。",
        Greeting = "{0}，您好：{1}的業績回顧如下，完整表格見附件 PDF。",
        FormIntro = "{0}業績回顧",
        SummaryIntro = "{1}{0}的團隊匯總如下，完整匯總見附件 PDF。",
        Attached = "附件：本期回顧 PDF。",
    };

    public static PeriodText En { get; } = new()
    {
        QuarterTitle = "Quarterly performance review",
        YearTitle = "Annual performance review",
        QuarterSummaryTitle = "Team quarterly summary",
        YearSummaryTitle = "Team annual summary",
        QuarterFormat = "Q{1} {0}",
        YearFormat = "{0}",
        MonthFormat = "{1}",
        Total = "Total",
        Weight = "Weight",
        SectionIndicators = "Indicators (each month and the period)",
        SectionScore = "Score and tier",
        SectionActions = "Improvement actions of the period and their effect",
        SectionRanking = "Ranking",
        PeriodScore = "Score of the period",
        MonthScores = "Monthly scores",
        ColMonth = "Month",
        Basis = "Amounts and counts are the sum of the months; rates are the months' numerators over their denominators; targets are the sum of the monthly targets (weighted by the denominators for rates), or the target set for the period itself. The score weighs the period's completions.",
        Greeting = "Dear {0}, here is your review of {1}; the full form is attached as a PDF.",
        FormIntro = "Review of {0}",
        SummaryIntro = "The summary of {1} for {0} follows; the full summary is attached as a PDF.",
        Attached = "Attached: the review as a PDF.",
    };
}
