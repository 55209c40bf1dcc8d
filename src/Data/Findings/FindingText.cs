using System.Globalization;
using SalesReporting.Data.Indicators;

namespace SalesReporting.Data.Findings;

/// <summary>
/// The one-line detail of each finding in the team's locale (zh-CN default, zh-TW, en). Money is in
/// 万元 with one decimal, half away from zero, as on the form; dates are yyyy-MM-dd, times HH:mm local.
/// </summary>
public static class FindingText
{
    /// <summary>What separates the customer from the risk in a key-account risk's detail.</summary>
    public static string Colon(string locale) => locale == "en" ? ": " : "：";

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
    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    // 重點客戶風險 — each begins with the customer and Colon(locale).

    public static string ContractEnding(string locale, string customer, DateOnly endsOn, int daysFromPeriodEnd) => customer + Colon(locale) + (locale, daysFromPeriodEnd >= 0) switch
    {
        ("zh-TW", true) => I($"合約於 {Date(endsOn)} 到期（期末後 {daysFromPeriodEnd} 天），尚無續約商機"),
        ("zh-TW", false) => I($"合約已於 {Date(endsOn)} 到期（期末前 {-daysFromPeriodEnd} 天），尚無續約商機"),
        ("en", true) => I($"contract ends {Date(endsOn)} ({daysFromPeriodEnd} days after the period end); no open renewal opportunity"),
        ("en", false) => I($"contract ended {Date(endsOn)} ({-daysFromPeriodEnd} days before the period end); no open renewal opportunity"),
        (_, true) => I($"合同于 {Date(endsOn)} 到期（期末后 {daysFromPeriodEnd} 天），尚无续约商机"),
        (_, false) => I($"合同已于 {Date(endsOn)} 到期（期末前 {-daysFromPeriodEnd} 天），尚无续约商机"),
    };

    public static string RevenueDrop(string locale, string customer, decimal thisMonth, decimal trailingMean)
    {
        var share = Number(thisMonth / trailingMean * 100m);
        return customer + Colon(locale) + locale switch
        {
            "zh-TW" => I($"本月開票額 {WanYuan(thisMonth)} 萬元，為近3個月均值 {WanYuan(trailingMean)} 萬元的 {share}%（低於70%）"),
            "en" => I($"invoiced CNY {WanYuan(thisMonth)} 10k this month, {share}% of the 3-month mean of CNY {WanYuan(trailingMean)} 10k (below 70%)"),
            _ => I($"本月开票额 {WanYuan(thisMonth)} 万元，为近3个月均值 {WanYuan(trailingMean)} 万元的 {share}%（低于70%）"),
        };
    }

    public static string UnpaidInvoices(string locale, string customer, int invoices, decimal outstanding, int daysLate) => customer + Colon(locale) + locale switch
    {
        "zh-TW" => I($"{invoices} 張發票逾期超過30天未付，共 {WanYuan(outstanding)} 萬元（最長逾期 {daysLate} 天）"),
        "en" => I($"{invoices} invoice{(invoices == 1 ? "" : "s")} unpaid more than 30 days after due, CNY {WanYuan(outstanding)} 10k outstanding (oldest {daysLate} days past due)"),
        _ => I($"{invoices} 张发票逾期超过30天未付，共 {WanYuan(outstanding)} 万元（最长逾期 {daysLate} 天）"),
    };

    // 數據真實性

    public static string WonWithoutInvoice(string locale, string opportunity, string customer, decimal amount, DateOnly wonOn) => locale switch
    {
        "zh-TW" => I($"商機 {opportunity}（{customer}，{WanYuan(amount)} 萬元）於 {Date(wonOn)} 贏單，60天內（至 {Date(wonOn.AddDays(60))}）無發票"),
        "en" => I($"opportunity {opportunity} ({customer}, CNY {WanYuan(amount)} 10k) won {Date(wonOn)}: no invoice within 60 days (by {Date(wonOn.AddDays(60))})"),
        _ => I($"商机 {opportunity}（{customer}，{WanYuan(amount)} 万元）于 {Date(wonOn)} 赢单，60天内（至 {Date(wonOn.AddDays(60))}）无发票"),
    };

    public static string UnknownInvoiceParty(string locale, string invoice, DateOnly issuedOn, decimal amount,
        string? repId, bool repUnknown, string? customerId, bool customerUnknown)
    {
        string Rep(string zh, string tw, string en) => locale switch { "zh-TW" => tw, "en" => en, _ => zh };
        var rep = repId ?? "—";
        var cust = customerId ?? "—";
        var what = (repUnknown, customerUnknown) switch
        {
            (true, true) => Rep(I($"的销售代表 {rep} 和客户 {cust} 在CRM中均不存在"), I($"的銷售代表 {rep} 和客戶 {cust} 在CRM中均不存在"), I($"rep {rep} and customer {cust} are unknown to the CRM")),
            (true, false) => Rep(I($"的销售代表 {rep} 在CRM中不存在"), I($"的銷售代表 {rep} 在CRM中不存在"), I($"rep {rep} is unknown to the CRM")),
            _ when customerId is null => Rep("未填写客户", "未填寫客戶", "has no customer"),
            _ => Rep(I($"的客户 {cust} 在CRM中不存在"), I($"的客戶 {cust} 在CRM中不存在"), I($"customer {cust} is unknown to the CRM")),
        };
        var uncounted = repUnknown ? Rep("，未计入任何销售代表的业绩", "，未計入任何銷售代表的業績", "; not counted in any rep's figures") : "";
        return locale switch
        {
            "zh-TW" => I($"發票 {invoice}（{Date(issuedOn)}，{WanYuan(amount)} 萬元）{what}{uncounted}"),
            "en" => I($"invoice {invoice} ({Date(issuedOn)}, CNY {WanYuan(amount)} 10k): {what}{uncounted}"),
            _ => I($"发票 {invoice}（{Date(issuedOn)}，{WanYuan(amount)} 万元）{what}{uncounted}"),
        };
    }

    /// <summary>Lists at most five activity ids; the count says how many there are.</summary>
    public static string VisitsWithoutDuration(string locale, int visits, IReadOnlyList<string> examples)
    {
        var more = visits > examples.Count;
        return locale switch
        {
            "zh-TW" => I($"{visits} 次拜訪未填寫時長：{string.Join("、", examples)}{(more ? " 等" : "")}"),
            "en" => I($"{visits} visit{(visits == 1 ? "" : "s")} without duration: {string.Join(", ", examples)}{(more ? ", …" : "")}"),
            _ => I($"{visits} 次拜访未填写时长：{string.Join("、", examples)}{(more ? " 等" : "")}"),
        };
    }

    public static string TooManyVisits(string locale, DateOnly day, int visits) => locale switch
    {
        "zh-TW" => I($"{Date(day)} 一天記錄 {visits} 次拜訪（超過12次）"),
        "en" => I($"{visits} visits recorded on {Date(day)} (more than 12 in one day)"),
        _ => I($"{Date(day)} 一天记录 {visits} 次拜访（超过12次）"),
    };

    public static string OverlappingVisits(string locale, string visit, string customer, DateTime starts,
        string earlier, string earlierCustomer, DateTime earlierStarts, int earlierMinutes) => locale switch
    {
        "zh-TW" => I($"拜訪 {visit}（{customer}，{Time(starts)}）開始時，拜訪 {earlier}（{earlierCustomer}，{Clock(earlierStarts)} 起 {earlierMinutes} 分鐘）尚未結束"),
        "en" => I($"visit {visit} ({customer}, {Time(starts)}) starts before visit {earlier} ({earlierCustomer}, {Clock(earlierStarts)}, {earlierMinutes} min) ends"),
        _ => I($"拜访 {visit}（{customer}，{Time(starts)}）开始时，拜访 {earlier}（{earlierCustomer}，{Clock(earlierStarts)} 起 {earlierMinutes} 分钟）尚未结束"),
    };

    // 抽查

    public static string SpotCheck(string locale, string customer, DateTime local, string? subject, string activityId)
    {
        var what = string.IsNullOrWhiteSpace(subject) ? locale switch { "zh-TW" => "（無主題）", "en" => "(no subject)", _ => "（无主题）" } : subject;
        return I($"{customer} · {Time(local)} · {what} · {activityId}");
    }

    // 新人爬坡

    public sealed record RampFigure(string Indicator, decimal? Actual, decimal? TeamMedian, int TeamReps);

    public static string NewHireRamp(string locale, int tenureMonth, IEnumerable<RampFigure> figures)
    {
        // Revenue in 万元 with one decimal like the form; a count (or a median of counts) without a needless ".0".
        string Value(string indicator, decimal v) => indicator == "revenue" ? Number(v) : Scoring.Round1(v).ToString("0.#", CultureInfo.InvariantCulture);
        string Name(string indicator) => (indicator, locale) switch
        {
            ("revenue", "zh-TW") => "銷售額", ("revenue", "en") => "revenue", ("revenue", _) => "销售额",
            ("visits", "zh-TW") => "客戶拜訪量", ("visits", "en") => "visits", ("visits", _) => "客户拜访量",
            _ => indicator,
        };
        string Unit(string indicator) => (indicator, locale) switch
        {
            ("revenue", "zh-TW") => " 萬元", ("revenue", "en") => " (CNY 10k)", ("revenue", _) => " 万元",
            ("visits", "en") => "", (_, "en") => "", _ => " 次",
        };
        var parts = figures.Select(f =>
        {
            var own = f.Actual is { } a ? Value(f.Indicator, a) + Unit(f.Indicator) : "—";
            if (f.TeamMedian is not { } m)
                return locale switch
                {
                    "zh-TW" => I($"{Name(f.Indicator)} {own}，團隊同期無歷史數據"),
                    "en" => I($"{Name(f.Indicator)} {own}; no team history at this tenure"),
                    _ => I($"{Name(f.Indicator)} {own}，团队同期无历史数据"),
                };
            var median = Value(f.Indicator, m) + Unit(f.Indicator);
            return locale switch
            {
                "zh-TW" => I($"{Name(f.Indicator)} {own}，團隊同期中位數 {median}（{f.TeamReps} 人）"),
                "en" => I($"{Name(f.Indicator)} {own} vs team median {median} at the same tenure ({f.TeamReps} rep{(f.TeamReps == 1 ? "" : "s")})"),
                _ => I($"{Name(f.Indicator)} {own}，团队同期中位数 {median}（{f.TeamReps} 人）"),
            };
        });
        return locale switch
        {
            "zh-TW" => I($"入職第{tenureMonth}個月：") + string.Join("；", parts),
            "en" => I($"month {tenureMonth} since hire: ") + string.Join("; ", parts),
            _ => I($"入职第{tenureMonth}个月：") + string.Join("；", parts),
        };
    }
}
