using System.Globalization;
using SalesReporting.Data.Indicators;

namespace SalesReporting.Data.Findings;

/// <summary>
/// The one-line detail of each finding in the team's locale, zh-CN (the default), zh-TW and en: one table per
/// locale, as <c>WorkspaceText</c> (docs/design.md, "Text in three languages"). Placeholders are composite-format
/// indexes; money is in 万元 with one decimal, half away from zero, as on the form; dates are yyyy-MM-dd, times
/// HH:mm local. English plurals have a one and a many entry; Chinese has the same words in both.
/// </summary>
public sealed class FindingText
{
    /// <summary>What separates the customer from the risk in a key-account risk's detail.</summary>
    public required string Separator { get; init; }

    // 重點客戶風險 — each begins with the customer and the separator.
    /// <summary>{0} contract end date, {1} days after the period end.</summary>
    public required string ContractEnds { get; init; }
    /// <summary>{0} contract end date, {1} days before the period end.</summary>
    public required string ContractEnded { get; init; }
    /// <summary>{0} invoiced this month, {1} trailing 3-month mean (both 万元), {2} share in %.</summary>
    public required string RevenueDropped { get; init; }
    /// <summary>{0} invoices, {1} outstanding 万元, {2} days the oldest is late.</summary>
    public required string UnpaidInvoice { get; init; }
    public required string UnpaidInvoices { get; init; }

    // 數據真實性
    /// <summary>{0} opportunity, {1} customer, {2} amount 万元, {3} won on, {4} 60 days later.</summary>
    public required string WonWithoutInvoice { get; init; }
    /// <summary>{0} invoice, {1} issued on, {2} amount 万元, {3} what is wrong, {4} <see cref="NotCounted"/> or nothing.</summary>
    public required string InvoiceParty { get; init; }
    /// <summary>{0} rep, {1} customer.</summary>
    public required string RepAndCustomerUnknown { get; init; }
    /// <summary>{0} rep.</summary>
    public required string RepUnknown { get; init; }
    /// <summary>{0} customer.</summary>
    public required string CustomerUnknown { get; init; }
    public required string NoCustomer { get; init; }
    public required string NotCounted { get; init; }
    /// <summary>{0} visits, {1} the first activity ids, {2} <see cref="More"/> or nothing.</summary>
    public required string VisitWithoutDuration { get; init; }
    public required string VisitsWithoutDuration { get; init; }
    public required string ListSeparator { get; init; }
    public required string More { get; init; }
    /// <summary>{0} day, {1} visits.</summary>
    public required string TooManyVisits { get; init; }
    /// <summary>{0} visit, {1} customer, {2} start; {3} earlier visit, {4} its customer, {5} its start (HH:mm), {6} its minutes.</summary>
    public required string OverlappingVisits { get; init; }

    // 抽查
    public required string NoSubject { get; init; }

    // 新人爬坡
    /// <summary>{0} tenure month.</summary>
    public required string RampLead { get; init; }
    public required string RampSeparator { get; init; }
    public required string RampRevenue { get; init; }
    public required string RampVisits { get; init; }
    public required string RampRevenueUnit { get; init; }
    public required string RampCountUnit { get; init; }
    /// <summary>{0} indicator, {1} the rep's value.</summary>
    public required string RampNoHistory { get; init; }
    /// <summary>{0} indicator, {1} the rep's value, {2} the team's median, {3} reps it is over.</summary>
    public required string RampMedianOne { get; init; }
    public required string RampMedianMany { get; init; }

    // 團隊共性問題 and 配置提醒
    /// <summary>{0} indicator (the catalog's name), {1} reps with a completion, {2} of them below, {3} the threshold.</summary>
    public required string TeamIssue { get; init; }
    /// <summary>{0} total weight, {1} which weight set.</summary>
    public required string WeightSum { get; init; }
    /// <summary>{0} process weight, {1} minimum, {2} which weight set.</summary>
    public required string ProcessWeight { get; init; }
    public required string TeamWeights { get; init; }
    public required string DefaultWeights { get; init; }

    /// <summary>The team's locale as the form reads it: zh-TW and en as such, anything else zh-CN.</summary>
    public static FindingText For(string? locale) => Data.TeamLocale.Pick(locale, ZhCn, ZhTw, En);

    public string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
    private static string Plural(int n, string one, string many) => n == 1 ? one : many;

    /// <summary>What separates the customer from the risk in a key-account risk's detail.</summary>
    public static string Colon(string locale) => For(locale).Separator;

    /// <summary>
    /// A key-account risk's detail starts with the customer's name so the manager's summary reads on its
    /// own; the rep's form prints the customer in its own column and shows the rest.
    /// </summary>
    public static string WithoutCustomer(string detail, string customer, string? locale)
    {
        var prefix = customer + Colon(TeamLocale.Of(locale));
        return detail.StartsWith(prefix, StringComparison.Ordinal) ? detail[prefix.Length..] : detail;
    }

    public static string WanYuan(decimal yuan) => Number(yuan / 10000m);
    public static string Number(decimal value) => DraftText.One(value);
    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static string Time(DateTime local) => local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    private static string Clock(DateTime local) => local.ToString("HH:mm", CultureInfo.InvariantCulture);

    public static string ContractEnding(string locale, string customer, DateOnly endsOn, int daysFromPeriodEnd)
    {
        var t = For(locale);
        return customer + t.Separator + (daysFromPeriodEnd >= 0
            ? t.F(t.ContractEnds, Date(endsOn), daysFromPeriodEnd)
            : t.F(t.ContractEnded, Date(endsOn), -daysFromPeriodEnd));
    }

    public static string RevenueDrop(string locale, string customer, decimal thisMonth, decimal trailingMean)
    {
        var t = For(locale);
        return customer + t.Separator + t.F(t.RevenueDropped, WanYuan(thisMonth), WanYuan(trailingMean), Number(thisMonth / trailingMean * 100m));
    }

    public static string UnpaidInvoicesOf(string locale, string customer, int invoices, decimal outstanding, int daysLate)
    {
        var t = For(locale);
        return customer + t.Separator + t.F(Plural(invoices, t.UnpaidInvoice, t.UnpaidInvoices), invoices, WanYuan(outstanding), daysLate);
    }

    public static string WonWithoutInvoiceOf(string locale, string opportunity, string customer, decimal amount, DateOnly wonOn)
    {
        var t = For(locale);
        return t.F(t.WonWithoutInvoice, opportunity, customer, WanYuan(amount), Date(wonOn), Date(wonOn.AddDays(60)));
    }

    public static string UnknownInvoiceParty(string locale, string invoice, DateOnly issuedOn, decimal amount,
        string? repId, bool repUnknown, string? customerId, bool customerUnknown)
    {
        var t = For(locale);
        var rep = repId ?? "—";
        var cust = customerId ?? "—";
        var what = (repUnknown, customerUnknown) switch
        {
            (true, true) => t.F(t.RepAndCustomerUnknown, rep, cust),
            (true, false) => t.F(t.RepUnknown, rep),
            _ when customerId is null => t.NoCustomer,
            _ => t.F(t.CustomerUnknown, cust),
        };
        return t.F(t.InvoiceParty, invoice, Date(issuedOn), WanYuan(amount), what, repUnknown ? t.NotCounted : "");
    }

    /// <summary>Lists at most five activity ids; the count says how many there are.</summary>
    public static string VisitsWithoutDurationOf(string locale, int visits, IReadOnlyList<string> examples)
    {
        var t = For(locale);
        return t.F(Plural(visits, t.VisitWithoutDuration, t.VisitsWithoutDuration), visits,
            string.Join(t.ListSeparator, examples), visits > examples.Count ? t.More : "");
    }

    public static string TooManyVisitsOf(string locale, DateOnly day, int visits)
    {
        var t = For(locale);
        return t.F(t.TooManyVisits, Date(day), visits);
    }

    public static string OverlappingVisitsOf(string locale, string visit, string customer, DateTime starts,
        string earlier, string earlierCustomer, DateTime earlierStarts, int earlierMinutes)
    {
        var t = For(locale);
        return t.F(t.OverlappingVisits, visit, customer, Time(starts), earlier, earlierCustomer, Clock(earlierStarts), earlierMinutes);
    }

    public static string SpotCheck(string locale, string customer, DateTime local, string? subject, string activityId)
    {
        var what = string.IsNullOrWhiteSpace(subject) ? For(locale).NoSubject : subject;
        return string.Create(CultureInfo.InvariantCulture, $"{customer} · {Time(local)} · {what} · {activityId}");
    }

    public sealed record RampFigure(string Indicator, decimal? Actual, decimal? TeamMedian, int TeamReps);

    public static string NewHireRamp(string locale, int tenureMonth, IEnumerable<RampFigure> figures)
    {
        var t = For(locale);
        // Revenue in 万元 with one decimal like the form; a count (or a median of counts) without a needless ".0".
        string Value(string indicator, decimal v) => indicator == "revenue" ? Number(v) : Scoring.Round1(v).ToString("0.#", CultureInfo.InvariantCulture);
        string Name(string indicator) => indicator switch { "revenue" => t.RampRevenue, "visits" => t.RampVisits, _ => indicator };
        string Unit(string indicator) => indicator == "revenue" ? t.RampRevenueUnit : t.RampCountUnit;
        var parts = figures.Select(f =>
        {
            var own = f.Actual is { } a ? Value(f.Indicator, a) + Unit(f.Indicator) : "—";
            if (f.TeamMedian is not { } m) return t.F(t.RampNoHistory, Name(f.Indicator), own);
            return t.F(Plural(f.TeamReps, t.RampMedianOne, t.RampMedianMany), Name(f.Indicator), own, Value(f.Indicator, m) + Unit(f.Indicator), f.TeamReps);
        });
        return t.F(t.RampLead, tenureMonth) + string.Join(t.RampSeparator, parts);
    }

    public static FindingText ZhCn { get; } = new()
    {
        Separator = "：",
        ContractEnds = "合同于 {0} 到期（期末后 {1} 天），尚无续约商机",
        ContractEnded = "合同已于 {0} 到期（期末前 {1} 天），尚无续约商机",
        RevenueDropped = "本月开票额 {0} 万元，为近3个月均值 {1} 万元的 {2}%（低于70%）",
        UnpaidInvoice = "{0} 张发票逾期超过30天未付，共 {1} 万元（最长逾期 {2} 天）",
        UnpaidInvoices = "{0} 张发票逾期超过30天未付，共 {1} 万元（最长逾期 {2} 天）",
        WonWithoutInvoice = "商机 {0}（{1}，{2} 万元）于 {3} 赢单，60天内（至 {4}）无发票",
        InvoiceParty = "发票 {0}（{1}，{2} 万元）{3}{4}",
        RepAndCustomerUnknown = "的销售代表 {0} 和客户 {1} 在CRM中均不存在",
        RepUnknown = "的销售代表 {0} 在CRM中不存在",
        CustomerUnknown = "的客户 {0} 在CRM中不存在",
        NoCustomer = "未填写客户",
        NotCounted = "，未计入任何销售代表的业绩",
        VisitWithoutDuration = "{0} 次拜访未填写时长：{1}{2}",
        VisitsWithoutDuration = "{0} 次拜访未填写时长：{1}{2}",
        ListSeparator = "、",
        More = " 等",
        TooManyVisits = "{0} 一天记录 {1} 次拜访（超过12次）",
        OverlappingVisits = "拜访 {0}（{1}，{2}）开始时，拜访 {3}（{4}，{5} 起 {6} 分钟）尚未结束",
        NoSubject = "（无主题）",
        RampLead = "入职第{0}个月：",
        RampSeparator = "；",
        RampRevenue = "销售额",
        RampVisits = "客户拜访量",
        RampRevenueUnit = " 万元",
        RampCountUnit = " 次",
        RampNoHistory = "{0} {1}，团队同期无历史数据",
        RampMedianOne = "{0} {1}，团队同期中位数 {2}（{3} 人）",
        RampMedianMany = "{0} {1}，团队同期中位数 {2}（{3} 人）",
        TeamIssue = "{0}：{1} 名代表中 {2} 名完成率低于 {3}%",
        WeightSum = "指标权重合计 {0}，应为 100（{1}）",
        ProcessWeight = "过程指标权重合计 {0}，低于 {1}（{2}）",
        TeamWeights = "本团队权重",
        DefaultWeights = "公司默认权重",
    };

    public static FindingText ZhTw { get; } = new()
    {
        Separator = "：",
        ContractEnds = "合約於 {0} 到期（期末後 {1} 天），尚無續約商機",
        ContractEnded = "合約已於 {0} 到期（期末前 {1} 天），尚無續約商機",
        RevenueDropped = "本月開票額 {0} 萬元，為近3個月均值 {1} 萬元的 {2}%（低於70%）",
        UnpaidInvoice = "{0} 張發票逾期超過30天未付，共 {1} 萬元（最長逾期 {2} 天）",
        UnpaidInvoices = "{0} 張發票逾期超過30天未付，共 {1} 萬元（最長逾期 {2} 天）",
        WonWithoutInvoice = "商機 {0}（{1}，{2} 萬元）於 {3} 贏單，60天內（至 {4}）無發票",
        InvoiceParty = "發票 {0}（{1}，{2} 萬元）{3}{4}",
        RepAndCustomerUnknown = "的銷售代表 {0} 和客戶 {1} 在CRM中均不存在",
        RepUnknown = "的銷售代表 {0} 在CRM中不存在",
        CustomerUnknown = "的客戶 {0} 在CRM中不存在",
        NoCustomer = "未填寫客戶",
        NotCounted = "，未計入任何銷售代表的業績",
        VisitWithoutDuration = "{0} 次拜訪未填寫時長：{1}{2}",
        VisitsWithoutDuration = "{0} 次拜訪未填寫時長：{1}{2}",
        ListSeparator = "、",
        More = " 等",
        TooManyVisits = "{0} 一天記錄 {1} 次拜訪（超過12次）",
        OverlappingVisits = "拜訪 {0}（{1}，{2}）開始時，拜訪 {3}（{4}，{5} 起 {6} 分鐘）尚未結束",
        NoSubject = "（無主題）",
        RampLead = "入職第{0}個月：",
        RampSeparator = "；",
        RampRevenue = "銷售額",
        RampVisits = "客戶拜訪量",
        RampRevenueUnit = " 萬元",
        RampCountUnit = " 次",
        RampNoHistory = "{0} {1}，團隊同期無歷史數據",
        RampMedianOne = "{0} {1}，團隊同期中位數 {2}（{3} 人）",
        RampMedianMany = "{0} {1}，團隊同期中位數 {2}（{3} 人）",
        TeamIssue = "{0}：{1} 名代表中 {2} 名完成率低於 {3}%",
        WeightSum = "指標權重合計 {0}，應為 100（{1}）",
        ProcessWeight = "過程指標權重合計 {0}，低於 {1}（{2}）",
        TeamWeights = "本團隊權重",
        DefaultWeights = "公司預設權重",
    };

    public static FindingText En { get; } = new()
    {
        Separator = ": ",
        ContractEnds = "contract ends {0} ({1} days after the period end); no open renewal opportunity",
        ContractEnded = "contract ended {0} ({1} days before the period end); no open renewal opportunity",
        RevenueDropped = "invoiced CNY {0} 10k this month, {2}% of the 3-month mean of CNY {1} 10k (below 70%)",
        UnpaidInvoice = "{0} invoice unpaid more than 30 days after due, CNY {1} 10k outstanding (oldest {2} days past due)",
        UnpaidInvoices = "{0} invoices unpaid more than 30 days after due, CNY {1} 10k outstanding (oldest {2} days past due)",
        WonWithoutInvoice = "opportunity {0} ({1}, CNY {2} 10k) won {3}: no invoice within 60 days (by {4})",
        InvoiceParty = "invoice {0} ({1}, CNY {2} 10k): {3}{4}",
        RepAndCustomerUnknown = "rep {0} and customer {1} are unknown to the CRM",
        RepUnknown = "rep {0} is unknown to the CRM",
        CustomerUnknown = "customer {0} is unknown to the CRM",
        NoCustomer = "has no customer",
        NotCounted = "; not counted in any rep's figures",
        VisitWithoutDuration = "{0} visit without duration: {1}{2}",
        VisitsWithoutDuration = "{0} visits without duration: {1}{2}",
        ListSeparator = ", ",
        More = ", …",
        TooManyVisits = "{1} visits recorded on {0} (more than 12 in one day)",
        OverlappingVisits = "visit {0} ({1}, {2}) starts before visit {3} ({4}, {5}, {6} min) ends",
        NoSubject = "(no subject)",
        RampLead = "month {0} since hire: ",
        RampSeparator = "; ",
        RampRevenue = "revenue",
        RampVisits = "visits",
        RampRevenueUnit = " (CNY 10k)",
        RampCountUnit = "",
        RampNoHistory = "{0} {1}; no team history at this tenure",
        RampMedianOne = "{0} {1} vs team median {2} at the same tenure ({3} rep)",
        RampMedianMany = "{0} {1} vs team median {2} at the same tenure ({3} reps)",
        TeamIssue = "{0}: {2} of {1} reps below {3}% completion",
        WeightSum = "Indicator weights sum to {0}, not 100 ({1})",
        ProcessWeight = "Process indicators weigh {0} in total, below {1} ({2})",
        TeamWeights = "team weights",
        DefaultWeights = "company default weights",
    };
}
