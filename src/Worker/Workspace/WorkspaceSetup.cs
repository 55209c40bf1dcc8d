using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Data.Actions;

namespace SalesReporting.Worker.Workspace;

/// <summary>The workspace in `serve`: sign-in, session, antiforgery, rate limits, security headers and the pages.</summary>
public static class WorkspaceSetup
{
    public const string SignInPolicy = "signin";

    public static IHostApplicationBuilder AddWorkspace(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WorkspaceOptions>().BindConfiguration(WorkspaceOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Admins.All(ActionRules.IsEmail), "Workspace:Admins is a list of email addresses (Workspace__Admins__0=ops@example.com).")
            .ValidateOnStart();
        services.AddSingleton<People>();
        services.AddSingleton<SignInLinks>();
        services.AddSingleton<WorkspaceStore>();
        services.AddSingleton<SignInMailer>();
        services.AddHostedService(sp => sp.GetRequiredService<SignInMailer>());
        services.AddRazorComponents();
        // Chinese text as text, not as &#x...; entities (the encoder still escapes what HTML needs escaped).
        services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "sr_af";
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__af";
        });

        var keys = builder.Configuration[$"{WorkspaceOptions.Section}:KeysDirectory"];
        var protection = services.AddDataProtection().SetApplicationName("SalesReporting");
        if (!string.IsNullOrWhiteSpace(keys)) protection.PersistKeysToFileSystem(new DirectoryInfo(keys));
        else services.AddOptions<KeyManagementOptions>().Configure<Databases>((o, db) => o.XmlRepository = new DatabaseXmlRepository(db));

        services.AddAuthentication(WorkspaceSession.Scheme).AddCookie(WorkspaceSession.Scheme, o =>
        {
            o.Cookie.Name = "sr_session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.SlidingExpiration = true;
            // Pages decide for themselves (sign-in form, or 404); nothing is redirected by the handler.
            o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = 401; return Task.CompletedTask; };
            o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = 404; return Task.CompletedTask; };
        });
        services.AddOptions<CookieAuthenticationOptions>(WorkspaceSession.Scheme).Configure<IOptions<WorkspaceOptions>>((o, w) =>
            o.ExpireTimeSpan = TimeSpan.FromHours(w.Value.SessionHours));

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignInPolicy, http =>
            {
                var perMinute = http.RequestServices.GetRequiredService<IOptions<WorkspaceOptions>>().Value.SignInRequestsPerClient;
                return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            o.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await context.HttpContext.Response.WriteAsync(WorkspaceText.For("zh-CN").TooManyRequests + " / " + WorkspaceText.For("en").TooManyRequests, ct);
            };
        });
        return builder;
    }

    /// <summary>
    /// Answers no cache may keep: the workspace, the API, the dashboard (its pages behind the admin login, and what it
    /// answers a wrong one), the acknowledgement page (a signed link naming a rep), and any answer to a request that
    /// carried credentials or was signed in. Paths match as routing does: ignoring case.
    /// </summary>
    private static readonly string[] NoStorePaths = ["/app", "/api", "/hangfire", "/ack"];

    private static bool NoStore(HttpContext http, PathString path) =>
        NoStorePaths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase))
        || http.Request.Headers.Authorization.Count > 0 || http.Request.Headers.ContainsKey("X-Api-Key")
        || http.User.Identity?.IsAuthenticated == true;

    /// <summary>Security headers on every answer; the pages' middleware; the workspace's endpoints.</summary>
    public static WebApplication UseWorkspace(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            // The path as the request came, read now: by the time the answer starts, a branch (the dashboard's Map("/hangfire"))
            // has moved "/hangfire" into PathBase, and the dashboard's answers were given the pages' policy and no no-store.
            var path = http.Request.PathBase.Add(http.Request.Path);
            http.Response.OnStarting(() =>
            {
                var h = http.Response.Headers;
                h.XContentTypeOptions = "nosniff";
                h["Referrer-Policy"] = "no-referrer"; // a sign-in link's token never leaves in a Referer
                h.XFrameOptions = "DENY";
                // The dashboard runs its own scripts; everything else runs none, inline or not. Paths match as routing does: ignoring case.
                h.ContentSecurityPolicy = path.StartsWithSegments("/hangfire", StringComparison.OrdinalIgnoreCase)
                    ? "frame-ancestors 'none'"
                    : "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
                if (NoStore(http, path)) h.CacheControl = "no-store";
                return Task.CompletedTask;
            });
            await next(http);
        });
        // A NUL or a lone surrogate in a path, query or form of /app is a 400, never a 500 from PostgreSQL.
        app.Use((http, next) => Api.StorableText.GuardAsync("/app", http, () => next(http)));
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.MapWorkspacePages();
        return app;
    }
}
