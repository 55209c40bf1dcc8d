namespace SalesReporting.Worker.Api;

/// <summary>
/// Every word of the acknowledgement page (<see cref="AcknowledgementPage"/>), in zh-CN (the default), zh-TW and en:
/// one table per document, as <see cref="Workspace.WorkspaceText"/> (docs/design.md, "Text in three languages").
/// </summary>
public sealed class AcknowledgementText
{
    /// <summary>{0} = period, {1} = when it was confirmed (local yyyy-MM-dd HH:mm).</summary>
    public required string Confirmed { get; init; }
    public required string Expired { get; init; }
    public required string Invalid { get; init; }
    /// <summary>{0} = period.</summary>
    public required string Prompt { get; init; }
    public required string Button { get; init; }
    public required string Workspace { get; init; }
    /// <summary>Under the button that signs the rep into the workspace from this link.</summary>
    public required string WorkspaceHint { get; init; }
    /// <summary>The link signed someone in once already; {0} = the workspace's address.</summary>
    public required string SignInUsed { get; init; }

    public static AcknowledgementText For(string? locale) => Data.TeamLocale.Pick(locale, ZhCn, ZhTw, En);

    public static AcknowledgementText ZhCn { get; } = new()
    {
        Confirmed = "已确认收到 {0} 的业绩跟踪与反馈表（{1}）。谢谢！",
        Expired = "此确认链接已过期，请联系您的销售经理。",
        Invalid = "此确认链接无效。",
        Prompt = "请确认您已收到 {0} 的业绩跟踪与反馈表。",
        Button = "确认已收到",
        Workspace = "在工作台中回复或提出异议",
        WorkspaceHint = "按下按钮即登录工作台（此链接只能登录一次）。",
        SignInUsed = "此链接已经登录过一次。请在工作台用您的工作邮箱登录：",
    };

    public static AcknowledgementText ZhTw { get; } = new()
    {
        Confirmed = "已確認收到 {0} 的業績跟蹤與反饋表（{1}）。謝謝！",
        Expired = "此確認連結已過期，請聯絡您的銷售經理。",
        Invalid = "此確認連結無效。",
        Prompt = "請確認您已收到 {0} 的業績跟蹤與反饋表。",
        Button = "確認已收到",
        Workspace = "在工作台中回覆或提出異議",
        WorkspaceHint = "按下按鈕即登入工作台（此連結只能登入一次）。",
        SignInUsed = "此連結已經登入過一次。請在工作台用您的工作信箱登入：",
    };

    public static AcknowledgementText En { get; } = new()
    {
        Confirmed = "Receipt of your {0} performance feedback form is confirmed ({1}). Thank you!",
        Expired = "This confirmation link has expired; please contact your sales manager.",
        Invalid = "This confirmation link is not valid.",
        Prompt = "Please confirm that you have received your {0} performance feedback form.",
        Button = "Confirm receipt",
        Workspace = "Answer or dispute a figure in the workspace",
        WorkspaceHint = "The button signs you into the workspace (this link signs in once).",
        SignInUsed = "This link has signed in once already. Sign in to the workspace with your work address:",
    };
}
