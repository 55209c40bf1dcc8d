using System.Globalization;

namespace SalesReporting.Worker.Workspace;

/// <summary>
/// Every word the workspace shows, in zh-CN (the default), zh-TW and en: one table per document, as the form's
/// <see cref="Reports.Forms.FormText"/>. Words the form already has (sections, columns, statuses, 人/貨/場) come from there.
/// </summary>
public sealed class WorkspaceText
{
    public required string AppName { get; init; }
    public required string SignInTitle { get; init; }
    public required string SignInIntro { get; init; }
    public required string Email { get; init; }
    public required string SendLink { get; init; }
    public required string LinkSent { get; init; }
    public required string SignInButton { get; init; }
    public required string SignInPrompt { get; init; }
    public required string LinkInvalid { get; init; }
    public required string LinkExpired { get; init; }
    public required string LinkUsed { get; init; }
    public required string SignInMailSubject { get; init; }
    public required string SignInMailIntroFormat { get; init; }
    public required string SignInMailIgnore { get; init; }
    public required string SignOut { get; init; }
    public required string TooManyRequests { get; init; }
    public required string NotFound { get; init; }
    public required string NoRole { get; init; }

    public required string Home { get; init; }
    public required string MyTeams { get; init; }
    public required string MyForms { get; init; }
    public required string NoPeriods { get; init; }
    public required string Period { get; init; }

    public required string TeamPage { get; init; }
    public required string RepsOfTeam { get; init; }
    public required string SummaryPdf { get; init; }
    public required string FormPdf { get; init; }
    public required string OpenRepPage { get; init; }
    public required string Conversation { get; init; }
    public required string NoConversation { get; init; }
    public required string SpotCheck { get; init; }
    public required string SpotCheckIntro { get; init; }
    public required string NoSpotCheck { get; init; }
    public required string Verified { get; init; }
    public required string NotVerified { get; init; }
    public required string NotChecked { get; init; }
    public required string Note { get; init; }
    public required string Save { get; init; }

    public required string Reasons { get; init; }
    public required string ReasonsHint { get; init; }
    public required string NoFlagged { get; init; }
    public required string AutomaticDraft { get; init; }
    public required string WrittenByFormat { get; init; }
    public required string ClearReason { get; init; }

    public required string Actions { get; init; }
    public required string NewAction { get; init; }
    public required string Create { get; init; }
    public required string CloseAction { get; init; }
    public required string Reopen { get; init; }
    public required string FieldProblem { get; init; }
    public required string FieldRootCause { get; init; }
    public required string FieldCause { get; init; }
    public required string FieldAction { get; init; }
    public required string FieldOwnerName { get; init; }
    public required string FieldOwnerEmail { get; init; }
    public required string FieldDueOn { get; init; }
    public required string FieldCheckpointOn { get; init; }
    public required string FieldSupport { get; init; }
    public required string FieldIndicator { get; init; }
    public required string FieldStatus { get; init; }
    public required string None { get; init; }

    public required string ReviewTitle { get; init; }
    public required string HeldOn { get; init; }
    public required string Notes { get; init; }
    public required string Agreed { get; init; }
    public required string SignOffButton { get; init; }
    public required string SignedOffFormat { get; init; }
    public required string NotSignedOff { get; init; }

    public required string YourSide { get; init; }
    public required string KindLabel { get; init; }
    public required string KindDifficulty { get; init; }
    public required string KindSupport { get; init; }
    public required string KindActionComment { get; init; }
    public required string KindDispute { get; init; }
    public required string Progress { get; init; }
    public required string DisputeWhy { get; init; }
    public required string Send { get; init; }
    public required string Answer { get; init; }
    public required string AnswerButton { get; init; }
    public required string AnsweredFormat { get; init; }
    public required string Unanswered { get; init; }
    public required string DisputeMailSubjectFormat { get; init; }

    public required string Acknowledge { get; init; }
    public required string AcknowledgedFormat { get; init; }
    public required string SendUpdated { get; init; }
    public required string SendUpdatedHint { get; init; }
    public required string SentFormat { get; init; }
    public required string SendFailedFormat { get; init; }

    public required string Upload { get; init; }
    public required string UploadIntro { get; init; }
    public required string UploadTargets { get; init; }
    public required string UploadActions { get; init; }
    public required string UploadButton { get; init; }
    public required string UploadRejected { get; init; }
    public required string UploadTooLarge { get; init; }
    public required string UploadType { get; init; }
    public required string UploadedFormat { get; init; }
    public string Uploaded(int rows) => string.Format(CultureInfo.InvariantCulture, UploadedFormat, rows);
    public required string ReviewFirst { get; init; }
    public required string ReviewFirstHint { get; init; }
    public required string ReleaseDays { get; init; }
    public required string WeeklyPacing { get; init; }
    public required string WeeklyPacingHint { get; init; }
    public required string HeldFormat { get; init; }
    public required string ReleaseButton { get; init; }
    public required string ReleasedFormat { get; init; }
    public required string ReadyMailSubjectFormat { get; init; }
    public required string ReadyMailBodyFormat { get; init; }
    public string Held(string since, string due) => string.Format(CultureInfo.InvariantCulture, HeldFormat, since, due);
    public string Released(string by, string at) => string.Format(CultureInfo.InvariantCulture, ReleasedFormat, by, at);
    public string ReadyMailSubject(string team, string period) => string.Format(CultureInfo.InvariantCulture, ReadyMailSubjectFormat, team, period);
    public string ReadyMailBody(string due) => string.Format(CultureInfo.InvariantCulture, ReadyMailBodyFormat, due);
    public required string History { get; init; }
    public required string NoHistory { get; init; }
    public required string Saved { get; init; }
    public required string FixErrors { get; init; }
    public required string Required { get; init; }
    public required string TooLong { get; init; }
    public required string BadDate { get; init; }
    public required string UnknownRep { get; init; }
    public required string BadPeriod { get; init; }
    public required string BadCause { get; init; }
    public required string OwnerEmailRequired { get; init; }
    public required string BadEmail { get; init; }
    public required string BeforePeriodFormat { get; init; }
    public required string AfterDue { get; init; }
    public required string UnknownIndicator { get; init; }
    public required string BadStatus { get; init; }
    public required string ControlCharacters { get; init; }
    public required string DuplicateProblem { get; init; }
    public required string DuplicateProblemOther { get; init; }

    public required string KeySignIn { get; init; }
    public required string ApiKey { get; init; }
    public required string KeyRefused { get; init; }

    /// <summary>A refused action field in this language (the API and the import keep <see cref="Data.Actions.FieldError.Reason"/>'s English).</summary>
    public string Reason(Data.Actions.FieldError e) => e.Problem switch
    {
        Data.Actions.FieldProblem.Required => Required,
        Data.Actions.FieldProblem.TooLong => TooLong,
        Data.Actions.FieldProblem.UnknownRep => UnknownRep,
        Data.Actions.FieldProblem.BadPeriod => BadPeriod,
        Data.Actions.FieldProblem.BadCause => BadCause,
        Data.Actions.FieldProblem.OwnerEmailRequired => OwnerEmailRequired,
        Data.Actions.FieldProblem.BadEmail => BadEmail,
        Data.Actions.FieldProblem.BadDate => BadDate,
        Data.Actions.FieldProblem.BeforePeriod => string.Format(CultureInfo.InvariantCulture, BeforePeriodFormat, e.Detail),
        Data.Actions.FieldProblem.AfterDue => AfterDue,
        Data.Actions.FieldProblem.UnknownIndicator => UnknownIndicator,
        Data.Actions.FieldProblem.BadStatus => BadStatus,
        _ => e.Reason,
    };

    public string SignInMailIntro(int minutes) => string.Format(CultureInfo.InvariantCulture, SignInMailIntroFormat, minutes);
    public string WrittenBy(string who) => string.Format(CultureInfo.InvariantCulture, WrittenByFormat, who);
    public string SignedOff(string who, string when) => string.Format(CultureInfo.InvariantCulture, SignedOffFormat, who, when);
    public string Answered(string who, string when) => string.Format(CultureInfo.InvariantCulture, AnsweredFormat, who, when);
    public string Acknowledged(string when) => string.Format(CultureInfo.InvariantCulture, AcknowledgedFormat, when);
    public string Sent(int revision) => string.Format(CultureInfo.InvariantCulture, SentFormat, revision);
    public string SendFailed(string error) => string.Format(CultureInfo.InvariantCulture, SendFailedFormat, error);
    public string DisputeMailSubject(string rep, string period) => string.Format(CultureInfo.InvariantCulture, DisputeMailSubjectFormat, rep, period);

    public string Kind(string kind) => kind switch
    {
        "difficulty" => KindDifficulty,
        "support" => KindSupport,
        "action_comment" => KindActionComment,
        "dispute" => KindDispute,
        _ => kind,
    };

    public static WorkspaceText For(string? locale) => Data.TeamLocale.Pick(locale, ZhCn, ZhTw, En);

    private static readonly WorkspaceText ZhCn = new()
    {
        AppName = "业绩跟踪与反馈 · 工作台",
        SignInTitle = "登录",
        SignInIntro = "请输入您的工作邮箱，我们会把登录链接发到这个邮箱。",
        Email = "工作邮箱",
        SendLink = "发送登录链接",
        LinkSent = "如果这个邮箱属于团队中的销售代表或经理，登录链接已经发出。链接 15 分钟内有效，只能使用一次。",
        SignInButton = "登录",
        SignInPrompt = "请按下面的按钮登录工作台。",
        LinkInvalid = "这个登录链接无效。",
        LinkExpired = "这个登录链接已过期。",
        LinkUsed = "这个登录链接已经用过了。",
        SignInMailSubject = "登录业绩跟踪与反馈工作台",
        SignInMailIntroFormat = "点击下面的链接登录工作台。链接 {0} 分钟内有效，只能使用一次。",
        SignInMailIgnore = "如果您没有申请登录，请忽略这封邮件。",
        SignOut = "退出",
        TooManyRequests = "请求过于频繁，请稍后再试。",
        NotFound = "找不到这个页面。",
        NoRole = "这个邮箱目前不属于任何团队。",
        Home = "首页",
        MyTeams = "我的团队",
        MyForms = "我的业绩跟踪与反馈表",
        NoPeriods = "还没有已结算的月份。",
        Period = "周期",
        TeamPage = "团队汇总",
        RepsOfTeam = "团队成员",
        SummaryPdf = "汇总 PDF",
        FormPdf = "反馈表 PDF",
        OpenRepPage = "打开",
        Conversation = "销售代表的反馈与异议",
        NoConversation = "暂无反馈。",
        SpotCheck = "抽查记录",
        SpotCheckIntro = "逐条核实本月抽中的拜访记录。",
        NoSpotCheck = "本月没有抽查样本。",
        Verified = "属实",
        NotVerified = "不属实",
        NotChecked = "未核实",
        Note = "备注",
        Save = "保存",
        Reasons = "异常原因说明",
        ReasonsHint = "系统草稿是初始文字；保存后替换草稿，清空后恢复草稿。",
        NoFlagged = "本月没有标注异常的指标。",
        AutomaticDraft = "系统草稿",
        WrittenByFormat = "由 {0} 填写",
        ClearReason = "清空（恢复草稿）",
        Actions = "问题分析与改进计划",
        NewAction = "新增改进措施",
        Create = "新增",
        CloseAction = "标记完成",
        Reopen = "重新打开",
        FieldProblem = "存在问题",
        FieldRootCause = "根本原因分析",
        FieldCause = "原因维度（人/货/场）",
        FieldAction = "改进措施",
        FieldOwnerName = "责任人",
        FieldOwnerEmail = "责任人邮箱",
        FieldDueOn = "完成时间",
        FieldCheckpointOn = "检查节点",
        FieldSupport = "所需支持",
        FieldIndicator = "对应指标",
        FieldStatus = "状态",
        None = "（无）",
        ReviewTitle = "1:1 面谈与签字确认",
        HeldOn = "面谈日期",
        Notes = "面谈记录",
        Agreed = "约定事项",
        SignOffButton = "经理签字确认",
        SignedOffFormat = "{0} 已于 {1} 签字确认",
        NotSignedOff = "经理尚未签字。",
        YourSide = "我的反馈",
        KindLabel = "类型",
        KindDifficulty = "遇到的困难",
        KindSupport = "需要的支持",
        KindActionComment = "改进措施进展",
        KindDispute = "对数据有异议",
        Progress = "进展",
        DisputeWhy = "原因",
        Send = "提交",
        Answer = "经理回复",
        AnswerButton = "回复",
        AnsweredFormat = "{0} 于 {1} 回复",
        Unanswered = "待回复",
        DisputeMailSubjectFormat = "{0} 对 {1} 的数据提出异议",
        Acknowledge = "确认已收到",
        AcknowledgedFormat = "已于 {0} 确认收到",
        SendUpdated = "发送更新后的反馈表",
        SendUpdatedHint = "作为新版本发送给销售代表；第一次发送的记录保留。",
        SentFormat = "更新后的反馈表已作为第 {0} 版发出。",
        SendFailedFormat = "发送失败：{0}",
        Upload = "上传目标或改进措施",
        UploadIntro = "上传 .csv 或 .xlsx（与导入文件相同的列）。整份文件先检查：只要有一行有误，就列出所有错误，什么都不写入。",
        UploadTargets = "目标",
        UploadActions = "改进措施",
        UploadButton = "检查并上传",
        UploadRejected = "文件未导入，什么都没有写入。请修正以下各行后重新上传：",
        UploadTooLarge = "文件超过 5 MB",
        UploadType = "只接受 .csv 或 .xlsx",
        UploadedFormat = "已导入 {0} 行。",
        ReviewFirst = "经理审阅后再发送",
        ReviewFirstHint = "开启后，月结时先通知经理审阅，销售代表的反馈表在经理按“发布”后发出，或在设定天数后自动发出。",
        ReleaseDays = "自动发布天数",
        WeeklyPacing = "每周一给经理发送业绩进度邮件",
        WeeklyPacingHint = "本月至今的实际与按工作日折算的目标，以及预计月末完成率低于 80% 的销售。",
        HeldFormat = "反馈表自 {0} 起等待审阅，将于 {1} 自动发出。",
        ReleaseButton = "发布反馈表",
        ReleasedFormat = "已由 {0} 于 {1} 发布。",
        ReadyMailSubjectFormat = "{0} 的 {1} 反馈表已可审阅",
        ReadyMailBodyFormat = "团队的反馈表已生成，请审阅后按“发布”发送给销售代表。如未发布，将于 {0} 自动发出。",
        History = "修改记录",
        NoHistory = "暂无修改。",
        Saved = "已保存。",
        FixErrors = "请修正以下内容：",
        Required = "必填",
        TooLong = "超过 2000 字",
        BadDate = "日期格式应为 YYYY-MM-DD",
        UnknownRep = "未知的销售代表",
        BadPeriod = "月份格式应为 YYYY-MM",
        BadCause = "请选择人、货或场",
        OwnerEmailRequired = "必填（提醒邮件发往这个邮箱）",
        BadEmail = "不是有效的邮箱地址",
        BeforePeriodFormat = "早于措施所属月份 {0}",
        AfterDue = "晚于完成时间",
        UnknownIndicator = "未知的指标",
        BadStatus = "状态应为进行中或已完成",
        ControlCharacters = "不能包含控制字符",
        DuplicateProblem = "本月已有相同问题的措施，请直接修改那一项",
        DuplicateProblemOther = "该销售代表本月的另一项措施已是这个问题",
        KeySignIn = "管理员用 API 密钥登录",
        ApiKey = "API 密钥",
        KeyRefused = "这个密钥不能登录工作台（只接受未撤销的管理员密钥）。",
    };

    private static readonly WorkspaceText ZhTw = new()
    {
        AppName = "業績跟蹤與反饋 · 工作台",
        SignInTitle = "登入",
        SignInIntro = "請輸入您的工作信箱，我們會把登入連結寄到這個信箱。",
        Email = "工作信箱",
        SendLink = "寄送登入連結",
        LinkSent = "如果這個信箱屬於團隊中的銷售代表或經理，登入連結已經寄出。連結 15 分鐘內有效，只能使用一次。",
        SignInButton = "登入",
        SignInPrompt = "請按下方的按鈕登入工作台。",
        LinkInvalid = "此登入連結無效。",
        LinkExpired = "此登入連結已過期。",
        LinkUsed = "此登入連結已經使用過了。",
        SignInMailSubject = "登入業績跟蹤與反饋工作台",
        SignInMailIntroFormat = "點擊下方連結登入工作台。連結 {0} 分鐘內有效，只能使用一次。",
        SignInMailIgnore = "如果您沒有申請登入，請忽略這封郵件。",
        SignOut = "登出",
        TooManyRequests = "請求過於頻繁，請稍後再試。",
        NotFound = "找不到這個頁面。",
        NoRole = "這個信箱目前不屬於任何團隊。",
        Home = "首頁",
        MyTeams = "我的團隊",
        MyForms = "我的業績跟蹤與反饋表",
        NoPeriods = "還沒有已結算的月份。",
        Period = "週期",
        TeamPage = "團隊匯總",
        RepsOfTeam = "團隊成員",
        SummaryPdf = "匯總 PDF",
        FormPdf = "反饋表 PDF",
        OpenRepPage = "打開",
        Conversation = "銷售代表的反饋與異議",
        NoConversation = "暫無反饋。",
        SpotCheck = "抽查記錄",
        SpotCheckIntro = "逐條核實本月抽中的拜訪記錄。",
        NoSpotCheck = "本月沒有抽查樣本。",
        Verified = "屬實",
        NotVerified = "不屬實",
        NotChecked = "未核實",
        Note = "備註",
        Save = "儲存",
        Reasons = "異常原因說明",
        ReasonsHint = "系統草稿是初始文字；儲存後取代草稿，清空後恢復草稿。",
        NoFlagged = "本月沒有標註異常的指標。",
        AutomaticDraft = "系統草稿",
        WrittenByFormat = "由 {0} 填寫",
        ClearReason = "清空（恢復草稿）",
        Actions = "問題分析與改進計劃",
        NewAction = "新增改進措施",
        Create = "新增",
        CloseAction = "標記完成",
        Reopen = "重新開啟",
        FieldProblem = "存在問題",
        FieldRootCause = "根本原因分析",
        FieldCause = "原因維度（人/貨/場）",
        FieldAction = "改進措施",
        FieldOwnerName = "責任人",
        FieldOwnerEmail = "責任人信箱",
        FieldDueOn = "完成時間",
        FieldCheckpointOn = "檢查節點",
        FieldSupport = "需支持資源",
        FieldIndicator = "對應指標",
        FieldStatus = "狀態",
        None = "（無）",
        ReviewTitle = "1:1 面談與簽字確認",
        HeldOn = "面談日期",
        Notes = "面談記錄",
        Agreed = "約定事項",
        SignOffButton = "經理簽字確認",
        SignedOffFormat = "{0} 已於 {1} 簽字確認",
        NotSignedOff = "經理尚未簽字。",
        YourSide = "我的反饋",
        KindLabel = "類型",
        KindDifficulty = "遇到的困難",
        KindSupport = "需要的支持",
        KindActionComment = "改進措施進展",
        KindDispute = "對數據有異議",
        Progress = "進展",
        DisputeWhy = "原因",
        Send = "提交",
        Answer = "經理回覆",
        AnswerButton = "回覆",
        AnsweredFormat = "{0} 於 {1} 回覆",
        Unanswered = "待回覆",
        DisputeMailSubjectFormat = "{0} 對 {1} 的數據提出異議",
        Acknowledge = "確認已收到",
        AcknowledgedFormat = "已於 {0} 確認收到",
        SendUpdated = "寄送更新後的反饋表",
        SendUpdatedHint = "作為新版本寄給銷售代表；第一次寄送的記錄保留。",
        SentFormat = "更新後的反饋表已作為第 {0} 版寄出。",
        SendFailedFormat = "寄送失敗：{0}",
        Upload = "上傳目標或改進措施",
        UploadIntro = "上傳 .csv 或 .xlsx（與匯入檔案相同的欄位）。整份檔案先檢查：只要有一列有誤，就列出所有錯誤，什麼都不寫入。",
        UploadTargets = "目標",
        UploadActions = "改進措施",
        UploadButton = "檢查並上傳",
        UploadRejected = "檔案未匯入，什麼都沒有寫入。請修正以下各列後重新上傳：",
        UploadTooLarge = "檔案超過 5 MB",
        UploadType = "只接受 .csv 或 .xlsx",
        UploadedFormat = "已匯入 {0} 列。",
        ReviewFirst = "經理審閱後再寄送",
        ReviewFirstHint = "開啟後，月結時先通知經理審閱，銷售代表的反饋表在經理按「發布」後寄出，或在設定天數後自動寄出。",
        ReleaseDays = "自動發布天數",
        WeeklyPacing = "每週一寄送業績進度郵件給經理",
        WeeklyPacingHint = "本月至今的實際與按工作日折算的目標，以及預計月底達成率低於 80% 的業務。",
        HeldFormat = "反饋表自 {0} 起等待審閱，將於 {1} 自動寄出。",
        ReleaseButton = "發布反饋表",
        ReleasedFormat = "已由 {0} 於 {1} 發布。",
        ReadyMailSubjectFormat = "{0} 的 {1} 反饋表已可審閱",
        ReadyMailBodyFormat = "團隊的反饋表已產生，請審閱後按「發布」寄給銷售代表。如未發布，將於 {0} 自動寄出。",
        History = "修改記錄",
        NoHistory = "暫無修改。",
        Saved = "已儲存。",
        FixErrors = "請修正以下內容：",
        Required = "必填",
        TooLong = "超過 2000 字",
        BadDate = "日期格式應為 YYYY-MM-DD",
        UnknownRep = "未知的銷售代表",
        BadPeriod = "月份格式應為 YYYY-MM",
        BadCause = "請選擇人、貨或場",
        OwnerEmailRequired = "必填（提醒郵件寄往這個信箱）",
        BadEmail = "不是有效的信箱地址",
        BeforePeriodFormat = "早於措施所屬月份 {0}",
        AfterDue = "晚於完成時間",
        UnknownIndicator = "未知的指標",
        BadStatus = "狀態應為進行中或已完成",
        ControlCharacters = "不能包含控制字元",
        DuplicateProblem = "本月已有相同問題的措施，請直接修改那一項",
        DuplicateProblemOther = "該銷售代表本月的另一項措施已是這個問題",
        KeySignIn = "管理員以 API 金鑰登入",
        ApiKey = "API 金鑰",
        KeyRefused = "這個金鑰不能登入工作台（只接受未撤銷的管理員金鑰）。",
    };

    private static readonly WorkspaceText En = new()
    {
        AppName = "Performance tracking and feedback · Workspace",
        SignInTitle = "Sign in",
        SignInIntro = "Enter your work email address and we will send you a sign-in link.",
        Email = "Work email",
        SendLink = "Send sign-in link",
        LinkSent = "If this address belongs to a rep or a manager of a team, a sign-in link is on its way. It works once, for 15 minutes.",
        SignInButton = "Sign in",
        SignInPrompt = "Press the button to sign in to the workspace.",
        LinkInvalid = "This sign-in link is not valid.",
        LinkExpired = "This sign-in link has expired.",
        LinkUsed = "This sign-in link has been used already.",
        SignInMailSubject = "Sign in to the performance feedback workspace",
        SignInMailIntroFormat = "Open the link below to sign in. It works once, for {0} minutes.",
        SignInMailIgnore = "If you did not ask to sign in, ignore this message.",
        SignOut = "Sign out",
        TooManyRequests = "Too many requests; please try again later.",
        NotFound = "This page does not exist.",
        NoRole = "This address does not belong to any team at the moment.",
        Home = "Home",
        MyTeams = "My teams",
        MyForms = "My performance feedback forms",
        NoPeriods = "No month has been closed yet.",
        Period = "Period",
        TeamPage = "Team summary",
        RepsOfTeam = "Reps",
        SummaryPdf = "Summary PDF",
        FormPdf = "Form PDF",
        OpenRepPage = "Open",
        Conversation = "Reps' responses and disputes",
        NoConversation = "Nothing yet.",
        SpotCheck = "Spot check",
        SpotCheckIntro = "Verify each sampled visit of the month.",
        NoSpotCheck = "No visit was sampled this month.",
        Verified = "Verified",
        NotVerified = "Not verified",
        NotChecked = "Not checked",
        Note = "Note",
        Save = "Save",
        Reasons = "Reasons of flagged indicators",
        ReasonsHint = "The automatic draft is the starting text; saving replaces it, clearing brings the draft back.",
        NoFlagged = "No indicator is flagged this month.",
        AutomaticDraft = "Automatic draft",
        WrittenByFormat = "written by {0}",
        ClearReason = "Clear (back to the draft)",
        Actions = "Problems and improvement plan",
        NewAction = "New improvement action",
        Create = "Add",
        CloseAction = "Mark done",
        Reopen = "Reopen",
        FieldProblem = "Problem",
        FieldRootCause = "Root cause",
        FieldCause = "Cause (people/product/market)",
        FieldAction = "Action",
        FieldOwnerName = "Owner",
        FieldOwnerEmail = "Owner's email",
        FieldDueOn = "Due",
        FieldCheckpointOn = "Checkpoint",
        FieldSupport = "Support needed",
        FieldIndicator = "Indicator",
        FieldStatus = "Status",
        None = "(none)",
        ReviewTitle = "1:1 and sign-off",
        HeldOn = "Held on",
        Notes = "Notes",
        Agreed = "Agreed",
        SignOffButton = "Sign the form off",
        SignedOffFormat = "Signed off by {0} on {1}",
        NotSignedOff = "Not signed off by the manager yet.",
        YourSide = "Your side",
        KindLabel = "Kind",
        KindDifficulty = "Difficulty",
        KindSupport = "Support needed",
        KindActionComment = "Progress on an action",
        KindDispute = "Dispute of a figure",
        Progress = "Progress",
        DisputeWhy = "Why",
        Send = "Send",
        Answer = "Manager's answer",
        AnswerButton = "Answer",
        AnsweredFormat = "answered by {0} on {1}",
        Unanswered = "awaiting an answer",
        DisputeMailSubjectFormat = "{0} disputes a figure of {1}",
        Acknowledge = "Confirm receipt",
        AcknowledgedFormat = "Receipt confirmed on {0}",
        SendUpdated = "Send the updated form",
        SendUpdatedHint = "Sent to the rep as a new revision; the first send stays on record.",
        SentFormat = "The updated form was sent as revision {0}.",
        SendFailedFormat = "Sending failed: {0}",
        Upload = "Upload targets or actions",
        UploadIntro = "Upload a .csv or .xlsx with the columns of the import files. The whole file is checked first: if any row is wrong, every error is listed and nothing is written.",
        UploadTargets = "Targets",
        UploadActions = "Improvement actions",
        UploadButton = "Check and upload",
        UploadRejected = "The file was not imported and nothing was written. Correct these rows and upload it again:",
        UploadTooLarge = "larger than 5 MB",
        UploadType = "only .csv or .xlsx",
        UploadedFormat = "{0} rows imported.",
        ReviewFirst = "Release after review",
        ReviewFirstHint = "When on, month-end tells the manager the forms are ready for review; the reps' forms go out when the manager presses Release, or by themselves after the number of days set.",
        ReleaseDays = "Days before they go out by themselves",
        WeeklyPacing = "Weekly pacing email to the manager on Mondays",
        WeeklyPacingHint = "The month to date against the target pro-rated by working days, and the reps projected below 80%.",
        HeldFormat = "The forms have waited for your review since {0}; they go out by themselves on {1}.",
        ReleaseButton = "Release the forms",
        ReleasedFormat = "Released by {0} on {1}.",
        ReadyMailSubjectFormat = "{0}: the {1} forms are ready for your review",
        ReadyMailBodyFormat = "Your team's forms are ready. Review them and press Release to send them to the reps; if you do not, they go out by themselves on {0}.",
        History = "History",
        NoHistory = "No changes yet.",
        Saved = "Saved.",
        FixErrors = "Please correct:",
        Required = "required",
        TooLong = "longer than 2000 characters",
        BadDate = "expected a date YYYY-MM-DD",
        UnknownRep = "unknown rep",
        BadPeriod = "expected YYYY-MM",
        BadCause = "choose people, product or market",
        OwnerEmailRequired = "required (the reminders go there)",
        BadEmail = "not an email address",
        BeforePeriodFormat = "before the month of the action, {0}",
        AfterDue = "after the due date",
        UnknownIndicator = "unknown indicator",
        BadStatus = "expected open or done",
        ControlCharacters = "control characters are not allowed",
        DuplicateProblem = "an action with this problem exists already for this month; edit that one instead",
        DuplicateProblemOther = "another action of this rep and month has this problem",
        KeySignIn = "Admin: sign in with an API key",
        ApiKey = "API key",
        KeyRefused = "This key does not open the workspace (only an admin key that is not revoked does).",
    };
}
