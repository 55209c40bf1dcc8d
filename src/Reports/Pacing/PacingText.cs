namespace SalesReporting.Reports.Pacing;

/// <summary>
/// Every word of the weekly pacing email (<see cref="PacingEmail"/>), in zh-CN (the default), zh-TW and en: one table
/// per document (docs/design.md, "Text in three languages").
/// </summary>
public sealed class PacingText
{
    /// <summary>{0} = the month, {1} = the team.</summary>
    public required string Subject { get; init; }
    /// <summary>{0} = the month, {1} = the team.</summary>
    public required string Title { get; init; }
    /// <summary>{0} = whom it is to.</summary>
    public required string Greeting { get; init; }
    /// <summary>{0} = the last day counted, {1} = working days elapsed, {2} = working days of the month, {3} = the share elapsed.</summary>
    public required string Intro { get; init; }
    public required string Elapsed { get; init; }
    public required string ToDate { get; init; }
    public required string ProRatedTarget { get; init; }
    public required string Projected { get; init; }
    /// <summary>{0} = the at-risk line, e.g. 80%.</summary>
    public required string AtRiskHeading { get; init; }
    public required string NoneAtRisk { get; init; }
    /// <summary>{0} = the indicator, {1} = its projected completion, {2} = to date, {3} = the pro-rated target, {4} = the unit.</summary>
    public required string AtRiskDetail { get; init; }
    public required string ProjectedCompletionHeading { get; init; }
    public required string ColRep { get; init; }
    public required string ColActual { get; init; }
    public required string ColProRated { get; init; }
    public required string ColPace { get; init; }
    public required string ColProjection { get; init; }
    public required string ColProjectedCompletion { get; init; }
    public required string OpenWorkspace { get; init; }
    public required string HowNote { get; init; }
    /// <summary>{0} = the indicators that could not be read.</summary>
    public required string FailedNote { get; init; }
    public required string OptOutNote { get; init; }

    public static PacingText For(string? locale) => Data.TeamLocale.Pick(locale, ZhCn, ZhTw, En);

    public static PacingText ZhCn { get; } = new()
    {
        Subject = "【每周业绩进度】{1} {0}",
        Title = "每周业绩进度 · {0} · {1}",
        Greeting = "{0}，您好：",
        Intro = "截至 {0}，本月 {2} 个工作日已过 {1} 个（{3}）。以下为本月至今的实际、按已过工作日折算的目标，以及按当前进度推算的月末完成率。",
        Elapsed = "工作日进度",
        ToDate = "团队至今",
        ProRatedTarget = "折算目标",
        Projected = "预计月末完成率",
        AtRiskHeading = "预计月末完成率低于 {0} 的销售",
        NoneAtRisk = "没有销售预计低于此线。",
        AtRiskDetail = "{0} 预计 {1}（至今 {2} / 折算目标 {3} {4}）",
        ProjectedCompletionHeading = "各销售预计月末完成率",
        ColRep = "销售代表",
        ColActual = "至今",
        ColProRated = "折算目标",
        ColPace = "进度",
        ColProjection = "月末预测",
        ColProjectedCompletion = "预计完成率",
        OpenWorkspace = "在工作台中查看团队",
        HowNote = "工作日不含周末和公司假日（含调休上班日）；折算目标 = 月目标 × 已过工作日 ÷ 本月工作日；月末预测 = 至今实际 × 本月工作日 ÷ 已过工作日。",
        FailedNote = "以下指标本周无法计算，未列入：{0}",
        OptOutNote = "如不需要每周进度邮件，可在工作台团队页面的“团队设置”中关闭。",
    };

    public static PacingText ZhTw { get; } = new()
    {
        Subject = "【每週業績進度】{1} {0}",
        Title = "每週業績進度 · {0} · {1}",
        Greeting = "{0}，您好：",
        Intro = "截至 {0}，本月 {2} 個工作日已過 {1} 個（{3}）。以下為本月至今的實際、按已過工作日折算的目標，以及按目前進度推算的月底達成率。",
        Elapsed = "工作日進度",
        ToDate = "團隊至今",
        ProRatedTarget = "折算目標",
        Projected = "預計月底達成率",
        AtRiskHeading = "預計月底達成率低於 {0} 的業務",
        NoneAtRisk = "沒有業務預計低於此線。",
        AtRiskDetail = "{0} 預計 {1}（至今 {2} / 折算目標 {3} {4}）",
        ProjectedCompletionHeading = "各業務預計月底達成率",
        ColRep = "銷售代表",
        ColActual = "至今",
        ColProRated = "折算目標",
        ColPace = "進度",
        ColProjection = "月底預測",
        ColProjectedCompletion = "預計達成率",
        OpenWorkspace = "在工作台中查看團隊",
        HowNote = "工作日不含週末與公司假日（含補班日）；折算目標 = 月目標 × 已過工作日 ÷ 本月工作日；月底預測 = 至今實際 × 本月工作日 ÷ 已過工作日。",
        FailedNote = "以下指標本週無法計算，未列入：{0}",
        OptOutNote = "如不需要每週進度郵件，可在工作台團隊頁面的「團隊設定」中關閉。",
    };

    public static PacingText En { get; } = new()
    {
        Subject = "[Weekly pacing] {1} {0}",
        Title = "Weekly pacing · {0} · {1}",
        Greeting = "Dear {0},",
        Intro = "Through {0}, {1} of the month's {2} working days have passed ({3}). Below: the month to date, the target pro-rated by working days elapsed, and where the month ends at the current pace.",
        Elapsed = "Working days",
        ToDate = "Team to date",
        ProRatedTarget = "Pro-rated target",
        Projected = "Projected completion",
        AtRiskHeading = "Reps projected below {0}",
        NoneAtRisk = "No rep is projected below the line.",
        AtRiskDetail = "{0} projected at {1} (to date {2} / pro-rated target {3} {4})",
        ProjectedCompletionHeading = "Projected month-end completion per rep",
        ColRep = "Rep",
        ColActual = "To date",
        ColProRated = "Pro-rated",
        ColPace = "Pace",
        ColProjection = "Projection",
        ColProjectedCompletion = "Projected",
        OpenWorkspace = "Open the team in the workspace",
        HowNote = "Working days exclude weekends and company holidays (make-up working days count); pro-rated target = month target × working days elapsed ÷ working days of the month; projection = actual to date × working days of the month ÷ working days elapsed.",
        FailedNote = "Not shown, could not be computed this week: {0}",
        OptOutNote = "A team that does not want the weekly pacing email turns it off under Team settings on the team page of the workspace.",
    };
}
