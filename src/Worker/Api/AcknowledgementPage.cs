using System.Globalization;
using System.Net;
using Dapper;
using SalesReporting.Data;

namespace SalesReporting.Worker.Api;

/// <summary>GET /ack/{period}/{rep}?exp&amp;sig: records the rep's confirmation of receipt (反饋與確認) and says so in the team's locale.</summary>
public static class AcknowledgementPage
{
    public static void MapAcknowledgement(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ack/{period}/{rep_id}", async (string period, string rep_id, string? exp, string? sig, AcknowledgementLinks links, Databases db, CancellationToken ct) =>
        {
            var check = links.Check(period, rep_id, exp, sig);
            if (check == LinkCheck.Invalid || !Period.TryParse(period, out var p)) return Page(403, Texts("zh-CN").Invalid + " / " + Texts("en").Invalid);
            await using var conn = await db.Reporting.OpenConnectionAsync(ct);
            var locale = await conn.ExecuteScalarAsync<string?>(new CommandDefinition("""
                select case when t.locale in ('zh-TW', 'en') then t.locale else 'zh-CN' end
                from staging.reps r join staging.teams t using (team_id) where r.rep_id = @rep_id
                """, new { rep_id }, cancellationToken: ct));
            if (locale is null) return Page(404, Texts("zh-CN").Invalid + " / " + Texts("en").Invalid);
            var t = Texts(locale);
            if (check == LinkCheck.Expired) return Page(410, t.Expired);
            // The first confirmation counts; opening the link again shows when it was given.
            var at = await conn.ExecuteScalarAsync<DateTime>(new CommandDefinition("""
                with ins as (
                    insert into reporting.acknowledgement(period, rep_id, acknowledged_at) values (@period, @rep_id, now())
                    on conflict (period, rep_id) do nothing returning acknowledged_at)
                select acknowledged_at from ins
                union all select acknowledged_at from reporting.acknowledgement where period = @period and rep_id = @rep_id
                limit 1
                """, new { period = p.Start, rep_id }, cancellationToken: ct));
            var tz = TimeZoneInfo.FindSystemTimeZoneById(app.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<CompanyOptions>>().Value.TimeZone);
            var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(at, DateTimeKind.Utc), tz);
            return Page(200, string.Format(CultureInfo.InvariantCulture, t.Confirmed, p, local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)), locale);
        });
    }

    private static IResult Page(int status, string message, string locale = "zh-CN") => Results.Content(
        $"""<!DOCTYPE html><html lang="{locale}"><head><meta charset="utf-8"><title>SalesReporting</title></head><body style="font-family:sans-serif"><p>{WebUtility.HtmlEncode(message)}</p></body></html>""",
        "text/html; charset=utf-8", statusCode: status);

    private sealed record T(string Confirmed, string Expired, string Invalid);

    private static T Texts(string locale) => locale switch
    {
        "zh-TW" => new("已確認收到 {0} 的業績跟蹤與反饋表（{1}）。謝謝！", "此確認連結已過期，請聯絡您的銷售經理。", "此確認連結無效。"),
        "en" => new("Receipt of your {0} performance feedback form is confirmed ({1}). Thank you!", "This confirmation link has expired; please contact your sales manager.", "This confirmation link is not valid."),
        _ => new("已确认收到 {0} 的业绩跟踪与反馈表（{1}）。谢谢！", "此确认链接已过期，请联系您的销售经理。", "此确认链接无效。"),
    };
}
