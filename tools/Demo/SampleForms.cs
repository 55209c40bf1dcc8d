using SalesReporting.Data;
using SalesReporting.Reports.Forms;

namespace SalesReporting.Demo;

/// <summary>
/// The example of the template the teams use today (月度通用版, October 2026), as a model. For tests
/// and the docs screenshot. The form's words and the indicator names follow the locale; what comes from the CRM and
/// from people (customers, progress notes, action plans) stays as it was written.
/// </summary>
public static class SampleForms
{
    public static readonly Period ExamplePeriod = new(2026, 10);

    /// <summary>
    /// The catalog rows of the example's indicators (names, summary_order), as FormQuery reads them from
    /// reporting.indicator; the example is a model without a database, so it carries them, and
    /// IndicatorCatalogGuardTests checks them against the catalog.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string ZhCn, string ZhTw, string En, int SummaryOrder)> Catalog =
        new Dictionary<string, (string, string, string, int)>
        {
            ["revenue"] = ("销售额", "銷售額", "Revenue", 10),
            ["collection_rate"] = ("回款率", "回款率", "Collection rate", 20),
            ["new_customers"] = ("新客户数", "新客戶數", "New customers", 30),
            ["visits"] = ("客户拜访量", "客戶拜訪量", "Customer visits", 40),
            ["lead_conversion"] = ("有效线索转化率", "有效線索轉化率", "Lead conversion", 50),
            ["proposals"] = ("方案提交数", "方案提交數", "Proposals", 60),
        };

    public static FeedbackForm Example(string locale)
    {
        var labels = FormText.For(locale);

        IndicatorLine Line(string code, string category, string unit, decimal target, decimal actual,
            decimal? mom, decimal? yoy, bool anomaly, string reason, params decimal?[] trend) =>
            new(code, category, TeamLocale.Pick(labels.Locale, Catalog[code].ZhCn, Catalog[code].ZhTw, Catalog[code].En), unit, "higher",
                target, actual, actual / target * 100m, actual - target, mom, yoy,
                NoValueReason: null, anomaly, reason, trend, Catalog[code].SummaryOrder);

        // Anomalies by the default rules: completion < 80%, MoM drop ≥ 10% (≥ 5 pp for rates).
        IndicatorLine[] indicators =
        [
            Line("revenue", "result", "wan_yuan", 100m, 85m, -12m, 6.3m, true,
                "大客户A订单延迟交付", 90.2m, 101.5m, 88m, 97.3m, 96.59m, 85m),
            Line("collection_rate", "result", "percent", 90m, 75m, -8m, null, true,
                "客户B资金周转困难", 88m, 91m, 86m, 85m, 83m, 75m),
            Line("new_customers", "result", "count", 15m, 12m, -5m, null, false,
                "线索转化率偏低", 11m, 14m, 13m, 12m, 13m, 12m),
            Line("visits", "process", "count", 120m, 100m, 0m, null, false,
                "部分客户暂不接受拜访"),
            Line("lead_conversion", "process", "percent", 25m, 18m, -7m, null, true,
                "新人对产品卖点不熟悉"),
            Line("proposals", "process", "count", 30m, 25m, -10m, null, true,
                "需求调研不充分导致方案反复"),
        ];

        KeyActionLine[] keyActions =
        [
            new("客户A", "制造业", IsKeyAccount: true, "contract", "签订年度框架合同", new DateOnly(2026, 10, 15),
                "合同金额5万元，待交付", "协调生产部门优先排产"),
            new("客户B", "零售业", IsKeyAccount: false, "proposal", "第二轮方案沟通", new DateOnly(2026, 10, 20),
                "客户反馈价格偏高，需优化报价", "提供成本拆解数据，申请总部折扣"),
            new("新客户C", "科技业", IsKeyAccount: false, "visit", "首次拜访，需求调研", new DateOnly(2026, 10, 25),
                "明确采购预算30万元，决策周期1个月", "安排技术部参与产品演示"),
        ];

        KeyAccountRisk[] risks =
        [
            new("客户A", labels.Locale switch
            {
                "zh-TW" => "本月開票額 0.0 萬元，低於近3個月均值 4.2 萬元的70%（訂單延遲交付）",
                "en" => "invoiced CNY 0.0 10k this month, below 70% of the 3-month mean of CNY 4.2 10k (order delivery delayed)",
                _ => "本月开票额 0.0 万元，低于近3个月均值 4.2 万元的70%（订单延迟交付）",
            }),
        ];

        ActionPlanLine[] actions =
        [
            new("回款率低", "客户B资金紧张，未及时对账", "market", "每周跟进客户B财务进度，协助申请分期付款",
                "李明", new DateOnly(2026, 11, 10), new DateOnly(2026, 11, 5), "open", CarriedOver: false, Effectiveness: null),
            new("新客户转化率低", "新人对产品技术参数不熟悉", "people", "安排产品经理一对一培训，新人每日模拟演练",
                "王经理 / 产品经理", new DateOnly(2026, 11, 15), new DateOnly(2026, 11, 10), "open", CarriedOver: false, Effectiveness: null),
            new("大客户A订单延迟交付", "生产部排产冲突", "product", "协调销售总监与生产总监对接，优先保障A订单",
                "王经理", new DateOnly(2026, 11, 3), new DateOnly(2026, 11, 2), "open", CarriedOver: false, Effectiveness: null),
        ];

        return new FeedbackForm(
            labels.Locale,
            ExamplePeriod,
            FilledOn: new DateOnly(2026, 11, 1),
            new RepHeader("R0001", "李明", "华东区域销售一组", "华东区", "王经理",
                HireDate: new DateOnly(2026, 8, 10), IsNewHire: true, TenureMonth: 3),
            // Weights of the template's example: revenue 30, new customers 25, collection 20.
            new ScoreSummary(decimal.Round((30m * 85m + 25m * 80m + 20m * (75m / 90m * 100m)) / 75m, 2), "on_track"),
            indicators,
            keyActions,
            risks,
            actions,
            AcknowledgedAt: null);
    }
}
