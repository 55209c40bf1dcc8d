using System.Globalization;

namespace SalesReporting.Reports.Forms;

/// <summary>
/// Every word the feedback form prints, in zh-CN (the default), zh-TW (the wording of the template the
/// teams use today) and en: one table per document, as <c>WorkspaceText</c> (docs/design.md, "Text in three
/// languages"). The model carries codes (result, wan_yuan, overdue…); this turns them into words. Indicator
/// names are not here: they are the catalog's (reporting.indicator), carried on the model.
/// </summary>
public sealed class FormText
{
    public const string DefaultLocale = Data.TeamLocale.Default;
    public static IReadOnlyList<string> Locales { get; } = ["zh-CN", "zh-TW", "en"];

    public required string Locale { get; init; }
    /// <summary>The value of the document's lang attribute.</summary>
    public required string HtmlLang { get; init; }

    public required string Title { get; init; }
    public required string SectionBasics { get; init; }
    public required string SectionIndicators { get; init; }
    public required string SectionKeyActions { get; init; }
    public required string SectionActionPlan { get; init; }
    public required string SectionFeedback { get; init; }

    // 基本信息
    public required string Period { get; init; }
    public required string Team { get; init; }
    public required string Manager { get; init; }
    public required string Rep { get; init; }
    public required string FilledOn { get; init; }
    public required string Score { get; init; }
    public required string Tier { get; init; }
    public required string TierHigh { get; init; }
    public required string TierOnTrack { get; init; }
    public required string TierImprove { get; init; }
    public required string TierHighHint { get; init; }
    public required string TierImproveHint { get; init; }
    public required string NoScore { get; init; }
    public required string NewHire { get; init; }
    /// <summary>{0} = tenure month, 1 for the first month.</summary>
    public required string TenureMonthFormat { get; init; }
    /// <summary>New-hire ramp: {0} = tenure month, {1} = the team's median revenue in 万元, {2} = reps it is over.</summary>
    public required string RampMedianFormat { get; init; }
    /// <summary>New-hire ramp without history: {0} = tenure month.</summary>
    public required string RampNoHistoryFormat { get; init; }

    // 业绩指标跟踪表
    public required string ColCategory { get; init; }
    public required string ColIndicator { get; init; }
    public required string ColTarget { get; init; }
    public required string ColActual { get; init; }
    public required string ColCompletion { get; init; }
    public required string ColChange { get; init; }
    public required string ColAnomalyReason { get; init; }
    public required string CategoryResult { get; init; }
    public required string CategoryProcess { get; init; }
    public required string CategoryTeam { get; init; }
    public required string Anomaly { get; init; }
    public required string LowerIsBetter { get; init; }
    public required string TrendCaption { get; init; }
    public required string NoIndicators { get; init; }

    // units
    public required string UnitWanYuan { get; init; }
    public required string UnitPercent { get; init; }
    public required string UnitCustomers { get; init; }
    public required string UnitVisits { get; init; }
    public required string UnitProposals { get; init; }
    public required string UnitCount { get; init; }
    public required string UnitDays { get; init; }
    public required string UnitScore { get; init; }

    // 同比/环比
    public required string Mom { get; init; }
    public required string Yoy { get; init; }
    public required string Flat { get; init; }
    /// <summary>Suffix of a change in percentage points (percent units).</summary>
    public required string PercentagePoints { get; init; }

    // no value
    public required string NoValue { get; init; }
    public required string NoTarget { get; init; }
    public required string NoData { get; init; }

    // 关键动作与客户记录
    public required string ColCustomer { get; init; }
    public required string ColKeyAction { get; init; }
    public required string ColDate { get; init; }
    public required string ColProgress { get; init; }
    public required string ColSupport { get; init; }
    public required string KeyAccount { get; init; }
    public required string KeyAccountRisks { get; init; }
    public required string NoKeyAccountRisks { get; init; }
    public required string NoKeyActions { get; init; }
    public required string KindVisit { get; init; }
    public required string KindCall { get; init; }
    public required string KindProposal { get; init; }
    public required string KindNegotiation { get; init; }
    public required string KindContract { get; init; }
    public required string KindDemo { get; init; }

    // 问题分析与改进计划
    public required string ColProblem { get; init; }
    public required string ColRootCause { get; init; }
    public required string ColAction { get; init; }
    public required string ColOwner { get; init; }
    public required string ColDue { get; init; }
    public required string ColCheckpoint { get; init; }
    public required string ColStatus { get; init; }
    public required string CausePeople { get; init; }
    public required string CauseProduct { get; init; }
    public required string CauseMarket { get; init; }
    public required string StatusOpen { get; init; }
    public required string StatusDone { get; init; }
    public required string StatusOverdue { get; init; }
    public required string CarriedOver { get; init; }
    public required string Effectiveness { get; init; }
    public required string EffectImproved { get; init; }
    public required string EffectNotImproved { get; init; }
    public required string EffectPending { get; init; }
    public required string NoActions { get; init; }

    // 反馈与确认
    public required string RepSignature { get; init; }
    public required string ManagerSignature { get; init; }
    public required string SignatureDate { get; init; }
    public required string Acknowledged { get; init; }
    public required string NotAcknowledged { get; init; }
    // 1:1 面談 and the manager's sign-off, as recorded in the workspace
    public required string OneOnOne { get; init; }
    public required string OneOnOneNotes { get; init; }
    public required string OneOnOneAgreed { get; init; }
    public required string AcknowledgementState { get; init; }
    // 双向沟通 (reminder 3: 反饋溝通需“雙向奔赴”): the rep's side, written in the workspace, and the manager's answers
    public required string TwoWay { get; init; }
    public required string ColResponseKind { get; init; }
    public required string ColResponse { get; init; }
    public required string ColManagerAnswer { get; init; }
    public required string ResponseDifficulty { get; init; }
    public required string ResponseSupport { get; init; }
    public required string ResponseActionComment { get; init; }
    public required string ResponseDispute { get; init; }
    public required string ResponseProgress { get; init; }
    public required string NotAnswered { get; init; }

    public string ResponseKind(string kind) => kind switch
    {
        "difficulty" => ResponseDifficulty,
        "support" => ResponseSupport,
        "action_comment" => ResponseActionComment,
        "dispute" => ResponseDispute,
        _ => kind,
    };

    /// <summary>Full-width colon in Chinese, ": " in English.</summary>
    public required string Colon { get; init; }
    /// <summary>Month names and the "Oct 2026" pattern come from here.</summary>
    public required CultureInfo Culture { get; init; }
    public required string PeriodPattern { get; init; }

    /// <summary>The labels of a locale; null or empty means zh-CN. An unknown locale is a configuration error.</summary>
    public static FormText For(string? locale)
    {
        if (string.IsNullOrWhiteSpace(locale)) return ZhCn;
        return locale.Trim().ToUpperInvariant() switch
        {
            "ZH-CN" or "ZH-HANS" or "ZH" => ZhCn,
            "ZH-TW" or "ZH-HANT" or "ZH-HK" => ZhTw,
            "EN" or "EN-US" or "EN-GB" => En,
            _ => throw new ArgumentException(
                $"Unknown form locale '{locale}': expected one of {string.Join(", ", Locales)}.", nameof(locale)),
        };
    }

    public string FormatPeriod(SalesReporting.Data.Period period) =>
        period.Start.ToString(PeriodPattern, Culture);

    public static string FormatDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public string FormatTimestamp(DateTimeOffset at)
    {
        var offset = at.Offset;
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var zone = offset.Minutes == 0
            ? $"UTC{sign}{Math.Abs(offset.Hours)}"
            : $"UTC{sign}{Math.Abs(offset.Hours)}:{Math.Abs(offset.Minutes):D2}";
        return $"{at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} ({zone})";
    }

    /// <summary>"（制造业）" in Chinese, " (Manufacturing)" in English.</summary>
    public string Parenthesized(string text) => Locale == "en" ? $" ({text})" : $"（{text}）";

    /// <summary>The unit after an indicator's name, "（万元）" or " (%)"; nothing for a unit without a word (English counts).</summary>
    public string UnitSuffix(string unit, string indicatorCode) => Unit(unit, indicatorCode) is { Length: > 0 } word ? Parenthesized(word) : "";

    public string Category(string code) => code switch
    {
        "result" => CategoryResult,
        "process" => CategoryProcess,
        "team" => CategoryTeam,
        _ => code,
    };

    public string? TierName(string? tier) => tier switch
    {
        null => null,
        "high" => TierHigh,
        "on_track" => TierOnTrack,
        "improve" => TierImprove,
        _ => tier,
    };

    public string? TierHint(string? tier) => tier switch
    {
        "high" => TierHighHint,
        "improve" => TierImproveHint,
        _ => null,
    };

    public string Tenure(int month) => string.Format(CultureInfo.InvariantCulture, TenureMonthFormat, month);

    /// <summary>The new hire's ramp line: the team's median revenue at the same tenure month, or that there is no history.</summary>
    public string Ramp(int month, decimal? median, int reps) => median is { } m
        ? string.Format(CultureInfo.InvariantCulture, RampMedianFormat, month, Format.Value(m, "wan_yuan"), reps)
        : string.Format(CultureInfo.InvariantCulture, RampNoHistoryFormat, month);

    /// <summary>
    /// The unit shown after an indicator's name; counts take the measure word of what they count
    /// (个, 次, 份). Empty for English counts, whose names already say what is counted.
    /// </summary>
    public string Unit(string unit, string indicatorCode) => unit switch
    {
        "wan_yuan" => UnitWanYuan,
        "percent" => UnitPercent,
        "days" => UnitDays,
        "score" => UnitScore,
        "count" => indicatorCode switch
        {
            "new_customers" => UnitCustomers,
            "visits" or "effective_visits" => UnitVisits,
            "proposals" => UnitProposals,
            _ => UnitCount,
        },
        _ => unit,
    };

    public string NoValueReason(string? reason) => reason switch
    {
        "no_target" => NoTarget,
        "no_actual" => NoData,
        null => NoData,
        _ => reason,
    };

    public string ActionKind(string kind) => kind switch
    {
        "visit" => KindVisit,
        "call" => KindCall,
        "proposal" => KindProposal,
        "negotiation" => KindNegotiation,
        "contract" => KindContract,
        "demo" => KindDemo,
        _ => kind,
    };

    public string Cause(string category) => category switch
    {
        "people" => CausePeople,
        "product" => CauseProduct,
        "market" => CauseMarket,
        _ => category,
    };

    public string Status(string status) => status switch
    {
        "open" => StatusOpen,
        "done" => StatusDone,
        "overdue" => StatusOverdue,
        _ => status,
    };

    public string Effect(string effectiveness) => effectiveness switch
    {
        "improved" => EffectImproved,
        "not_improved" => EffectNotImproved,
        "pending" => EffectPending,
        _ => effectiveness,
    };

    public static FormText ZhCn { get; } = new()
    {
        Locale = "zh-CN",
        HtmlLang = "zh-CN",
        Title = "销售团队业绩跟踪与反馈表",
        SectionBasics = "基本信息",
        SectionIndicators = "业绩指标跟踪表",
        SectionKeyActions = "关键动作与客户记录",
        SectionActionPlan = "问题分析与改进计划",
        SectionFeedback = "反馈与确认",
        Period = "填写周期",
        Team = "销售团队",
        Manager = "销售经理",
        Rep = "销售代表",
        FilledOn = "填表日期",
        Score = "综合得分",
        Tier = "绩效分层",
        TierHigh = "高绩效",
        TierOnTrack = "达标中",
        TierImprove = "待提升",
        TierHighHint = "建议设定更高挑战目标，并总结经验在团队分享",
        TierImproveHint = "需与销售代表共同制定改进计划并明确检查节点",
        NoScore = "无得分（无可加权的完成率）",
        NewHire = "新人",
        TenureMonthFormat = "入职第{0}个月",
        RampMedianFormat = "团队同期（入职第{0}个月）销售额中位数 {1} 万元（{2} 人）",
        RampNoHistoryFormat = "团队同期（入职第{0}个月）暂无历史数据可比",
        ColCategory = "指标类别",
        ColIndicator = "指标名称",
        ColTarget = "目标值",
        ColActual = "实际值",
        ColCompletion = "完成率(%)",
        ColChange = "同比/环比变化",
        ColAnomalyReason = "异常原因说明",
        CategoryResult = "结果指标",
        CategoryProcess = "过程指标",
        CategoryTeam = "团队指标",
        Anomaly = "异常",
        LowerIsBetter = "越低越好",
        TrendCaption = "近6个月",
        NoIndicators = "本期无指标数据",
        UnitWanYuan = "万元",
        UnitPercent = "%",
        UnitCustomers = "个",
        UnitVisits = "次",
        UnitProposals = "份",
        UnitCount = "个",
        UnitDays = "天",
        UnitScore = "分",
        Mom = "环比",
        Yoy = "同比",
        Flat = "持平",
        PercentagePoints = "个百分点",
        NoValue = "—",
        NoTarget = "无目标",
        NoData = "无数据",
        ColCustomer = "客户/项目名称",
        ColKeyAction = "关键动作",
        ColDate = "时间节点",
        ColProgress = "当前进展",
        ColSupport = "需支持资源",
        KeyAccount = "重点客户",
        KeyAccountRisks = "重点客户风险",
        NoKeyAccountRisks = "本期无重点客户风险",
        NoKeyActions = "本期无关键动作记录",
        KindVisit = "拜访",
        KindCall = "电话",
        KindProposal = "提案",
        KindNegotiation = "谈判",
        KindContract = "合同签订",
        KindDemo = "演示",
        ColProblem = "存在问题",
        ColRootCause = "根本原因分析",
        ColAction = "改进措施",
        ColOwner = "责任人",
        ColDue = "完成时间",
        ColCheckpoint = "检查节点",
        ColStatus = "状态",
        CausePeople = "人",
        CauseProduct = "货",
        CauseMarket = "场",
        StatusOpen = "进行中",
        StatusDone = "已完成",
        StatusOverdue = "已逾期",
        CarriedOver = "上期延续",
        Effectiveness = "效果",
        EffectImproved = "指标已改善",
        EffectNotImproved = "指标未改善",
        EffectPending = "待验证",
        NoActions = "本期无改进计划",
        RepSignature = "销售代表签字",
        ManagerSignature = "销售经理签字",
        SignatureDate = "日期",
        Acknowledged = "已确认收到",
        NotAcknowledged = "未确认",
        OneOnOne = "1:1 面谈",
        OneOnOneNotes = "面谈记录",
        OneOnOneAgreed = "约定事项",
        AcknowledgementState = "确认状态",
        TwoWay = "双向沟通",
        ColResponseKind = "类型",
        ColResponse = "销售代表反馈",
        ColManagerAnswer = "经理回复",
        ResponseDifficulty = "遇到的困难",
        ResponseSupport = "需要的支持",
        ResponseActionComment = "改进措施进展",
        ResponseDispute = "对数据有异议",
        ResponseProgress = "进展",
        NotAnswered = "待回复",
        Colon = "：",
        Culture = CultureInfo.GetCultureInfo("zh-CN"),
        PeriodPattern = "yyyy年M月",
    };

    public static FormText ZhTw { get; } = new()
    {
        Locale = "zh-TW",
        HtmlLang = "zh-TW",
        Title = "銷售團隊業績跟蹤與反饋表",
        SectionBasics = "基本信息",
        SectionIndicators = "業績指標跟蹤表",
        SectionKeyActions = "關鍵動作與客戶記錄",
        SectionActionPlan = "問題分析與改進計劃",
        SectionFeedback = "反饋與確認",
        Period = "填寫周期",
        Team = "銷售團隊",
        Manager = "銷售經理",
        Rep = "銷售代表",
        FilledOn = "填表日期",
        Score = "綜合得分",
        Tier = "績效分層",
        TierHigh = "高績效",
        TierOnTrack = "達標中",
        TierImprove = "待提升",
        TierHighHint = "建議設定更高挑戰目標，並總結經驗在團隊分享",
        TierImproveHint = "需與銷售代表共同制定改進計劃並明確檢查節點",
        NoScore = "無得分（無可加權的完成率）",
        NewHire = "新人",
        TenureMonthFormat = "入職第{0}個月",
        RampMedianFormat = "團隊同期（入職第{0}個月）銷售額中位數 {1} 萬元（{2} 人）",
        RampNoHistoryFormat = "團隊同期（入職第{0}個月）暫無歷史數據可比",
        ColCategory = "指標類別",
        ColIndicator = "指標名稱",
        ColTarget = "目標值",
        ColActual = "實際值",
        ColCompletion = "完成率(%)",
        ColChange = "同比/環比變化",
        ColAnomalyReason = "異常原因說明",
        CategoryResult = "結果指標",
        CategoryProcess = "過程指標",
        CategoryTeam = "團隊指標",
        Anomaly = "異常",
        LowerIsBetter = "越低越好",
        TrendCaption = "近6個月",
        NoIndicators = "本期無指標數據",
        UnitWanYuan = "萬元",
        UnitPercent = "%",
        UnitCustomers = "個",
        UnitVisits = "次",
        UnitProposals = "份",
        UnitCount = "個",
        UnitDays = "天",
        UnitScore = "分",
        Mom = "環比",
        Yoy = "同比",
        Flat = "持平",
        PercentagePoints = "個百分點",
        NoValue = "—",
        NoTarget = "無目標",
        NoData = "無數據",
        ColCustomer = "客戶/項目名稱",
        ColKeyAction = "關鍵動作",
        ColDate = "時間節點",
        ColProgress = "當前進展",
        ColSupport = "需支持資源",
        KeyAccount = "重點客戶",
        KeyAccountRisks = "重點客戶風險",
        NoKeyAccountRisks = "本期無重點客戶風險",
        NoKeyActions = "本期無關鍵動作記錄",
        KindVisit = "拜訪",
        KindCall = "電話",
        KindProposal = "提案",
        KindNegotiation = "談判",
        KindContract = "合同簽訂",
        KindDemo = "演示",
        ColProblem = "存在問題",
        ColRootCause = "根本原因分析",
        ColAction = "改進措施",
        ColOwner = "責任人",
        ColDue = "完成時間",
        ColCheckpoint = "檢查節點",
        ColStatus = "狀態",
        CausePeople = "人",
        CauseProduct = "貨",
        CauseMarket = "場",
        StatusOpen = "進行中",
        StatusDone = "已完成",
        StatusOverdue = "已逾期",
        CarriedOver = "上期延續",
        Effectiveness = "效果",
        EffectImproved = "指標已改善",
        EffectNotImproved = "指標未改善",
        EffectPending = "待驗證",
        NoActions = "本期無改進計劃",
        RepSignature = "銷售代表簽字",
        ManagerSignature = "銷售經理簽字",
        SignatureDate = "日期",
        Acknowledged = "已確認收到",
        NotAcknowledged = "未確認",
        OneOnOne = "1:1 面談",
        OneOnOneNotes = "面談記錄",
        OneOnOneAgreed = "約定事項",
        AcknowledgementState = "確認狀態",
        TwoWay = "雙向溝通",
        ColResponseKind = "類型",
        ColResponse = "銷售代表反饋",
        ColManagerAnswer = "經理回覆",
        ResponseDifficulty = "遇到的困難",
        ResponseSupport = "需要的支持",
        ResponseActionComment = "改進措施進展",
        ResponseDispute = "對數據有異議",
        ResponseProgress = "進展",
        NotAnswered = "待回覆",
        Colon = "：",
        Culture = CultureInfo.GetCultureInfo("zh-TW"),
        PeriodPattern = "yyyy年M月",
    };

    public static FormText En { get; } = new()
    {
        Locale = "en",
        HtmlLang = "en",
        Title = "Sales performance tracking & feedback",
        SectionBasics = "Basic information",
        SectionIndicators = "Performance indicators",
        SectionKeyActions = "Key actions and customer records",
        SectionActionPlan = "Problem analysis and improvement plan",
        SectionFeedback = "Feedback and confirmation",
        Period = "Period",
        Team = "Sales team",
        Manager = "Sales manager",
        Rep = "Sales rep",
        FilledOn = "Filled on",
        Score = "Weighted score",
        Tier = "Tier",
        TierHigh = "High performer",
        TierOnTrack = "On track",
        TierImprove = "Needs improvement",
        TierHighHint = "Consider a higher challenge target and sharing what works with the team",
        TierImproveHint = "Agree an improvement plan with the rep, with checkpoints",
        NoScore = "No score (no weighted completion)",
        NewHire = "New hire",
        TenureMonthFormat = "month {0}",
        RampMedianFormat = "Team median revenue in month {0} since hire: CNY {1} 10k ({2} reps)",
        RampNoHistoryFormat = "No team history for month {0} since hire",
        ColCategory = "Category",
        ColIndicator = "Indicator",
        ColTarget = "Target",
        ColActual = "Actual",
        ColCompletion = "Completion (%)",
        ColChange = "YoY / MoM",
        ColAnomalyReason = "Anomaly reason",
        CategoryResult = "Result",
        CategoryProcess = "Process",
        CategoryTeam = "Team",
        Anomaly = "Anomaly",
        LowerIsBetter = "lower is better",
        TrendCaption = "last 6 months",
        NoIndicators = "No indicator data this period",
        UnitWanYuan = "CNY 10k",
        UnitPercent = "%",
        UnitCustomers = "",
        UnitVisits = "",
        UnitProposals = "",
        UnitCount = "",
        UnitDays = "days",
        UnitScore = "score",
        Mom = "MoM",
        Yoy = "YoY",
        Flat = "flat",
        PercentagePoints = " pp",
        NoValue = "—",
        NoTarget = "no target",
        NoData = "no data",
        ColCustomer = "Customer / project",
        ColKeyAction = "Key action",
        ColDate = "Date",
        ColProgress = "Progress",
        ColSupport = "Support needed",
        KeyAccount = "Key account",
        KeyAccountRisks = "Key-account risks",
        NoKeyAccountRisks = "No key-account risks this period",
        NoKeyActions = "No key actions recorded this period",
        KindVisit = "Visit",
        KindCall = "Call",
        KindProposal = "Proposal",
        KindNegotiation = "Negotiation",
        KindContract = "Contract",
        KindDemo = "Demo",
        ColProblem = "Problem",
        ColRootCause = "Root cause",
        ColAction = "Action",
        ColOwner = "Owner",
        ColDue = "Due",
        ColCheckpoint = "Checkpoint",
        ColStatus = "Status",
        CausePeople = "People",
        CauseProduct = "Product",
        CauseMarket = "Market",
        StatusOpen = "Open",
        StatusDone = "Done",
        StatusOverdue = "Overdue",
        CarriedOver = "Carried over",
        Effectiveness = "Effect",
        EffectImproved = "indicator improved",
        EffectNotImproved = "indicator not improved",
        EffectPending = "to be checked",
        NoActions = "No improvement actions this period",
        RepSignature = "Sales rep signature",
        ManagerSignature = "Sales manager signature",
        SignatureDate = "Date",
        Acknowledged = "Receipt confirmed",
        NotAcknowledged = "Not confirmed",
        OneOnOne = "1:1 meeting",
        OneOnOneNotes = "Notes",
        OneOnOneAgreed = "Agreed",
        AcknowledgementState = "Acknowledgement",
        TwoWay = "Two-way feedback",
        ColResponseKind = "Kind",
        ColResponse = "The rep's side",
        ColManagerAnswer = "The manager's answer",
        ResponseDifficulty = "Difficulty",
        ResponseSupport = "Support needed",
        ResponseActionComment = "Progress on an action",
        ResponseDispute = "Dispute of a figure",
        ResponseProgress = "Progress",
        NotAnswered = "Awaiting an answer",
        Colon = ": ",
        Culture = CultureInfo.GetCultureInfo("en-US"),
        PeriodPattern = "MMM yyyy",
    };
}
