using System.Globalization;

namespace SalesReporting.Data.Indicators;

/// <summary>
/// The words of the anomaly reason drafts, per team locale (zh-CN default, zh-TW, en): one table per locale, as
/// <c>WorkspaceText</c>; the findings' lines (team-wide issues and configuration warnings among them) are
/// <see cref="Findings.FindingText"/>. Amounts are printed the way the form prints them: 万元 / 萬元 / CNY 10k,
/// one decimal, half away from zero. Placeholders are composite-format indexes.
/// </summary>
public sealed class DraftText
{
    public required string Locale { get; init; }
    /// <summary>Between the parts of one statement: "，" / ", ".</summary>
    public required string Comma { get; init; }
    /// <summary>Between the statements about several customers: "；" / "; ".</summary>
    public required string Semicolon { get; init; }
    public required string Colon { get; init; }

    /// <summary>{0} amount in 万元, one decimal.</summary>
    public required string Amount { get; init; }
    /// <summary>{0} value, one decimal.</summary>
    public required string Days { get; init; }
    public required string Score { get; init; }

    /// <summary>{0} customer, {1} unpaid amount, {2} share of the receivable due in the month (integer %).</summary>
    public required string Unpaid { get; init; }
    /// <summary>{0} customer, {1} invoiced this month, {2} how much less than last month.</summary>
    public required string RevenueFell { get; init; }
    /// <summary>{0} leads qualified in the month, {1} converted.</summary>
    public required string Leads { get; init; }
    public required string QualifiedLeads { get; init; }
    /// <summary>{0} visits, {1} last month, {2} customers visited.</summary>
    public required string Visits { get; init; }
    /// <summary>{0} visits, {1} of them effective.</summary>
    public required string EffectiveVisits { get; init; }
    /// <summary>{0} minutes, {1} visits.</summary>
    public required string TooShort { get; init; }
    public required string NoDecisionMaker { get; init; }
    public required string NoNeed { get; init; }
    /// <summary>{0} proposals, {1} last month, {2} visits this month.</summary>
    public required string Proposals { get; init; }
    public required string Slowest { get; init; }
    /// <summary>{0} customer, {1} days.</summary>
    public required string SlowDeal { get; init; }
    public required string LowestMargin { get; init; }
    /// <summary>{0} customer, {1} margin %, {2} invoiced amount.</summary>
    public required string LowMargin { get; init; }
    /// <summary>{0} orders won, {1} total amount, {2} customer of the smallest, {3} its amount.</summary>
    public required string Orders { get; init; }
    public required string LowScores { get; init; }
    /// <summary>{0} customer, {1} score.</summary>
    public required string LowScore { get; init; }
    /// <summary>{0} surveys answered in the month.</summary>
    public required string OfSurveys { get; init; }

    public required string Actual { get; init; }
    public required string Target { get; init; }
    public required string Completion { get; init; }
    public required string LastMonth { get; init; }

    /// <summary>The team's locale as the form reads it: zh-TW and en as such, anything else zh-CN.</summary>
    public static DraftText For(string? locale) => Data.TeamLocale.Pick(locale, ZhCn, ZhTw, En);

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string One(decimal value) => Normalize(Scoring.Round1(value)).ToString("0.0", Invariant);
    public static string Whole(decimal value) => Normalize(Math.Round(value, 0, MidpointRounding.AwayFromZero)).ToString("0", Invariant);
    public static string Weight(decimal value) => Normalize(value).ToString("0.##", Invariant);

    public string Wan(decimal wanYuan) => string.Format(Invariant, Amount, One(wanYuan));
    public string F(string format, params object[] args) => string.Format(Invariant, format, args);

    /// <summary>A value in its catalog unit, as the drafts print it.</summary>
    public string Value(decimal value, string unit) => unit switch
    {
        "wan_yuan" => Wan(value),
        "percent" => One(value) + "%",
        "days" => F(Days, One(value)),
        "score" => F(Score, One(value)),
        "count" => Whole(value),
        _ => One(value),
    };

    private static decimal Normalize(decimal value) => value == 0m ? 0m : value;

    public static DraftText ZhCn { get; } = new()
    {
        Locale = "zh-CN", Comma = "，", Semicolon = "；", Colon = "：",
        Amount = "{0} 万元", Days = "{0} 天", Score = "{0} 分",
        Unpaid = "{0} 未回款 {1}，占应收 {2}%",
        RevenueFell = "{0} 开票 {1}，较上月减少 {2}",
        Leads = "线索 {0} 条，转化 {1} 条",
        QualifiedLeads = "有效线索 {0} 条，转化 {1} 条",
        Visits = "拜访 {0} 次（上月 {1} 次），覆盖客户 {2} 家",
        EffectiveVisits = "拜访 {0} 次，其中有效 {1} 次",
        TooShort = "不足 {0} 分钟 {1} 次", NoDecisionMaker = "未见决策人 {0} 次", NoNeed = "未明确需求 {0} 次",
        Proposals = "提交方案 {0} 份（上月 {1} 份），本月拜访 {2} 次",
        Slowest = "谈判最慢", SlowDeal = "{0} {1} 天",
        LowestMargin = "毛利率最低", LowMargin = "{0} {1}%（开票 {2}）",
        Orders = "成交 {0} 单，合计 {1}，最小一单 {2} {3}",
        LowScores = "低分", LowScore = "{0} {1} 分", OfSurveys = "（共 {0} 份问卷）",
        Actual = "实际 {0}", Target = "目标 {0}", Completion = "完成率 {0}", LastMonth = "上月 {0}",
    };

    public static DraftText ZhTw { get; } = new()
    {
        Locale = "zh-TW", Comma = "，", Semicolon = "；", Colon = "：",
        Amount = "{0} 萬元", Days = "{0} 天", Score = "{0} 分",
        Unpaid = "{0} 未回款 {1}，占應收 {2}%",
        RevenueFell = "{0} 開票 {1}，較上月減少 {2}",
        Leads = "線索 {0} 條，轉化 {1} 條",
        QualifiedLeads = "有效線索 {0} 條，轉化 {1} 條",
        Visits = "拜訪 {0} 次（上月 {1} 次），覆蓋客戶 {2} 家",
        EffectiveVisits = "拜訪 {0} 次，其中有效 {1} 次",
        TooShort = "不足 {0} 分鐘 {1} 次", NoDecisionMaker = "未見決策人 {0} 次", NoNeed = "未明確需求 {0} 次",
        Proposals = "提交方案 {0} 份（上月 {1} 份），本月拜訪 {2} 次",
        Slowest = "談判最慢", SlowDeal = "{0} {1} 天",
        LowestMargin = "毛利率最低", LowMargin = "{0} {1}%（開票 {2}）",
        Orders = "成交 {0} 單，合計 {1}，最小一單 {2} {3}",
        LowScores = "低分", LowScore = "{0} {1} 分", OfSurveys = "（共 {0} 份問卷）",
        Actual = "實際 {0}", Target = "目標 {0}", Completion = "完成率 {0}", LastMonth = "上月 {0}",
    };

    public static DraftText En { get; } = new()
    {
        Locale = "en", Comma = ", ", Semicolon = "; ", Colon = ": ",
        Amount = "{0} CNY 10k", Days = "{0} days", Score = "{0}",
        Unpaid = "{0} unpaid {1}, {2}% of receivables",
        RevenueFell = "{0} invoiced {1}, down {2} on last month",
        Leads = "{0} leads, {1} converted",
        QualifiedLeads = "{0} qualified leads, {1} converted",
        Visits = "{0} visits (last month {1}), {2} customers",
        EffectiveVisits = "{0} visits, {1} effective",
        TooShort = "{1} under {0} minutes", NoDecisionMaker = "{0} without the decision maker", NoNeed = "{0} without an identified need",
        Proposals = "{0} proposals (last month {1}), {2} visits this month",
        Slowest = "Slowest deals", SlowDeal = "{0} {1} days",
        LowestMargin = "Lowest margins", LowMargin = "{0} {1}% (invoiced {2})",
        Orders = "{0} orders won, total {1}, smallest {2} {3}",
        LowScores = "Low scores", LowScore = "{0} {1}", OfSurveys = " (of {0} surveys)",
        Actual = "Actual {0}", Target = "target {0}", Completion = "completion {0}", LastMonth = "last month {0}",
    };
}
