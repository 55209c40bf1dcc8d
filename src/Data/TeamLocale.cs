namespace SalesReporting.Data;

/// <summary>
/// The language a team's forms, summaries, drafts and emails are written in: zh-TW and en as the CRM
/// gives them; anything else (none, unknown) is zh-CN, the default.
/// </summary>
public static class TeamLocale
{
    public const string Default = "zh-CN";

    public static string Of(string? locale) => locale is "zh-TW" or "en" ? locale : Default;

    /// <summary>The same rule in SQL, over a row of staging.teams named <c>t</c>.</summary>
    public const string Sql = "case when t.locale in ('zh-TW', 'en') then t.locale else 'zh-CN' end";

    /// <summary>Which of three (the catalog's indicator names, a document's text tables) a team locale reads.</summary>
    public static T Pick<T>(string? locale, T zhCn, T zhTw, T en) => Of(locale) switch
    {
        "zh-TW" => zhTw,
        "en" => en,
        _ => zhCn,
    };
}
