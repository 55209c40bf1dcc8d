using System.Globalization;
using System.Net;
using Dapper;
using SalesReporting.Data;

namespace SalesReporting.Worker.Api;

/// <summary>
/// /ack/{period}/{rep}?exp&amp;sig, the link in the month-end email (反饋與確認). GET checks the link and shows
/// a confirm button; only the POST that button sends records the confirmation. Mail scanners that open
/// every link in a message (Safe Links and the like) therefore confirm nothing on the rep's behalf.
/// </summary>
public static class AcknowledgementPage
{
    public static void MapAcknowledgement(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ack/{period}/{rep_id}", (HttpContext http, string period, string rep_id, string? exp, string? sig, AcknowledgementLinks links, Databases db, CancellationToken ct) =>
            Answer(http, app, period, rep_id, exp, sig, links, db, record: false, ct));
        app.MapPost("/ack/{period}/{rep_id}", (HttpContext http, string period, string rep_id, string? exp, string? sig, AcknowledgementLinks links, Databases db, CancellationToken ct) =>
            Answer(http, app, period, rep_id, exp, sig, links, db, record: true, ct));
        // The link is signed for this rep: its button signs the rep into the workspace, once (as an emailed sign-in link
        // does), and lands on their page. Only this POST signs in, with the antiforgery token of the page; opening the link does not.
        app.MapPost("/ack/{period}/{rep_id}/signin", async (HttpContext http, string period, string rep_id, string? exp, string? sig, IFormCollection form,
            AcknowledgementLinks links, Databases db, CancellationToken ct) =>
        {
            var check = links.Check(period, rep_id, exp, sig);
            if (check == LinkCheck.Invalid || !Period.TryParse(period, out var p)) return Page(403, BothInvalid);
            await using var conn = await db.Reporting.OpenConnectionAsync(ct);
            var rep = await conn.QuerySingleOrDefaultAsync<(string Email, string Locale)?>(new CommandDefinition($"""
                select r.email, {TeamLocale.Sql}
                from staging.reps r join staging.teams t using (team_id) where r.rep_id = @rep_id and r.active and r.email is not null
                """, new { rep_id }, cancellationToken: ct));
            if (rep is null) return Page(404, BothInvalid);
            var t = AcknowledgementText.For(rep.Value.Locale);
            if (check == LinkCheck.Expired) return Page(410, t.Expired, rep.Value.Locale);
            // Taken once: a row of the sign-in links keyed by the hash of this link's signature (decoded, so another spelling of
            // the same bytes is the same link), written already used.
            var expires = DateTimeOffset.FromUnixTimeSeconds(long.Parse(exp!, NumberStyles.None, CultureInfo.InvariantCulture));
            var taken = await conn.ExecuteAsync(new CommandDefinition("""
                insert into reporting.signin_link(id_hash, email, created_at, expires_at, used_at) values (@hash, @email, now(), @expires, now())
                on conflict (id_hash) do nothing
                """, new { hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("ack.signin.v1|" + System.Buffers.Text.Base64Url.EncodeToString(System.Buffers.Text.Base64Url.DecodeFromChars(sig)))), email = rep.Value.Email, expires },
                cancellationToken: ct));
            if (taken == 0)
                return Page(410, t.SignInUsed, rep.Value.Locale, """<p><a href="/app">/app</a></p>""");
            await Workspace.WorkspaceSession.SignInAsync(http, rep.Value.Email);
            return Results.Redirect($"/app/reps/{Uri.EscapeDataString(rep_id)}/{p}");
        });
    }

    private static async Task<IResult> Answer(HttpContext http, IEndpointRouteBuilder app, string period, string rep_id, string? exp, string? sig,
        AcknowledgementLinks links, Databases db, bool record, CancellationToken ct)
    {
        var check = links.Check(period, rep_id, exp, sig);
        if (check == LinkCheck.Invalid || !Period.TryParse(period, out var p)) return Page(403, BothInvalid);
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        var locale = await conn.ExecuteScalarAsync<string?>(new CommandDefinition($"""
            select {TeamLocale.Sql}
            from staging.reps r join staging.teams t using (team_id) where r.rep_id = @rep_id
            """, new { rep_id }, cancellationToken: ct));
        if (locale is null) return Page(404, BothInvalid);
        var t = AcknowledgementText.For(locale);
        if (check == LinkCheck.Expired) return Page(410, t.Expired);
        // The first confirmation counts; opening the link again shows when it was given.
        var at = record
            ? await conn.ExecuteScalarAsync<DateTime?>(new CommandDefinition("""
                with ins as (
                    insert into reporting.acknowledgement(period, rep_id, acknowledged_at) values (@period, @rep_id, now())
                    on conflict (period, rep_id) do nothing returning acknowledged_at)
                select acknowledged_at from ins
                union all select acknowledged_at from reporting.acknowledgement where period = @period and rep_id = @rep_id
                limit 1
                """, new { period = p.Start, rep_id }, cancellationToken: ct))
            : await conn.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
                "select acknowledged_at from reporting.acknowledgement where period = @period and rep_id = @rep_id",
                new { period = p.Start, rep_id }, cancellationToken: ct));
        // The buttons post back to the same signed address; the signature is the whole credential.
        var query = $"?exp={Uri.EscapeDataString(exp!)}&sig={Uri.EscapeDataString(sig!)}";
        var here = $"/ack/{Uri.EscapeDataString(period)}/{Uri.EscapeDataString(rep_id)}";
        // The conversation (difficulties, support, disputes) happens in the workspace; the button signs the rep in there.
        // (An app without the workspace, as some tests build it, offers no button.)
        var tokens = http.RequestServices.GetService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>()?.GetAndStoreTokens(http);
        var workspace = tokens is null ? "" : $"""<form method="post" action="{WebUtility.HtmlEncode(here + "/signin" + query)}"><input type="hidden" name="{WebUtility.HtmlEncode(tokens.FormFieldName)}" value="{WebUtility.HtmlEncode(tokens.RequestToken)}"><button type="submit">{WebUtility.HtmlEncode(t.Workspace)}</button> <small style="color:#666">{WebUtility.HtmlEncode(t.WorkspaceHint)}</small></form>""";
        if (at is null)
            return Page(200, string.Format(CultureInfo.InvariantCulture, t.Prompt, p), locale,
                $"""<form method="post" action="{WebUtility.HtmlEncode(here + query)}"><button type="submit" style="font-size:1.1em;padding:.4em 1.2em">{WebUtility.HtmlEncode(t.Button)}</button></form><p></p>{workspace}""");
        var tz = app.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<CompanyOptions>>().Value.ResolveTimeZone();
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(at.Value, DateTimeKind.Utc), tz);
        return Page(200, string.Format(CultureInfo.InvariantCulture, t.Confirmed, p, local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)), locale, workspace);
    }

    /// <summary>Before the rep (and so the locale) is known: both the default's words and English.</summary>
    private static string BothInvalid => AcknowledgementText.ZhCn.Invalid + " / " + AcknowledgementText.En.Invalid;

    private static IResult Page(int status, string message, string locale = "zh-CN", string form = "") => Results.Content(
        $"""<!DOCTYPE html><html lang="{locale}"><head><meta charset="utf-8"><title>SalesReporting</title></head><body style="font-family:sans-serif"><p>{WebUtility.HtmlEncode(message)}</p>{form}</body></html>""",
        "text/html; charset=utf-8", statusCode: status);
}
