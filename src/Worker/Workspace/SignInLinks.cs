using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Dapper;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using MimeKit;
using SalesReporting.Data;
using SalesReporting.Reports.Delivery;
using SalesReporting.Worker.Api;

namespace SalesReporting.Worker.Workspace;

public enum SignInLinkState { Valid, Invalid, Expired, Used }

/// <summary>
/// The emailed sign-in link: {PublicBaseUrl}/app/signin/{id}.{exp}.{sig}. The id is 32 random bytes (only its hash is
/// stored), exp the expiry in unix seconds, sig an HMAC-SHA256 over both with a key derived from the acknowledgement secret
/// for this purpose alone. An altered link fails the HMAC before the database is asked; a used or expired one fails
/// the row. Taking the link is one UPDATE, so two tabs cannot both sign in with it.
/// </summary>
public sealed class SignInLinks(Databases db, IOptions<AcknowledgementOptions> ack, IOptions<WorkspaceOptions> options, TimeProvider clock)
{
    private byte[] Key => HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(ack.Value.Secret!), 32,
        info: Encoding.UTF8.GetBytes("salesreporting.workspace.signin.v1"));

    /// <summary>The window of the per-address mail limit (Workspace:SignInMailsPerAddress).</summary>
    public static readonly TimeSpan MailWindow = TimeSpan.FromMinutes(15);

    /// <summary>A link not to be mailed (the bench signs in with it); it does not count toward the mail limit.</summary>
    public async Task<string> CreateAsync(string email, CancellationToken ct) =>
        (await CreateAsync(email, mailed: false, perAddress: null, ct))!;

    /// <summary>
    /// A link to mail to the address, unless <paramref name="perAddress"/> links were mailed to it in the last
    /// <see cref="MailWindow"/>: then null. Counted in the database, from the links mailed (every serve process writes
    /// them there), under a transaction lock on the address, so N processes allow the limit once, not N times.
    /// </summary>
    public Task<string?> CreateMailedAsync(string email, int perAddress, CancellationToken ct) => CreateAsync(email, mailed: true, perAddress, ct);

    private async Task<string?> CreateAsync(string email, bool mailed, int? perAddress, CancellationToken ct)
    {
        var id = RandomNumberGenerator.GetBytes(32);
        var now = clock.GetUtcNow().ToUniversalTime();
        var expires = now.AddMinutes(options.Value.SignInLinkMinutes);
        var exp = expires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var idText = Base64Url.EncodeToString(id);
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (perAddress is { } limit)
        {
            // One address at a time across every process: the count and the insert below are one step.
            await conn.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(hashtextextended('signin_link:' || lower(@email), 0))",
                new { email }, tx, cancellationToken: ct));
            var recent = await conn.ExecuteScalarAsync<long>(new CommandDefinition("""
                select count(*) from reporting.signin_link where mailed and lower(email) = lower(@email) and created_at > @since
                """, new { email, since = now - MailWindow }, tx, cancellationToken: ct));
            if (recent >= limit) return null;
        }
        await conn.ExecuteAsync(new CommandDefinition(
            "insert into reporting.signin_link(id_hash, email, created_at, expires_at, mailed) values (@hash, @email, @now, @expires, @mailed)",
            new { hash = SHA256.HashData(id), email, now, expires, mailed }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return $"{idText}.{exp}.{Sign(idText, exp)}";
    }

    private string Sign(string id, string exp) => Base64Url.EncodeToString(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes($"signin.v1|{id}|{exp}")));

    private (byte[] Id, DateTimeOffset Expires)? Parse(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0].Length > 64 || parts[2].Length > 64) return null;
        if (!long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var exp)) return null;
        var expected = Encoding.ASCII.GetBytes(Sign(parts[0], parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(parts[2]))) return null;
        try { return (Base64Url.DecodeFromChars(parts[0]), DateTimeOffset.FromUnixTimeSeconds(exp)); }
        catch (FormatException) { return null; }
        catch (ArgumentOutOfRangeException) { return null; }
    }

    /// <summary>What the link is, without taking it (the page with the button).</summary>
    public async Task<SignInLinkState> CheckAsync(string token, CancellationToken ct)
    {
        if (Parse(token) is not { } link) return SignInLinkState.Invalid;
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<(DateTime ExpiresAt, DateTime? UsedAt)?>(new CommandDefinition(
            "select expires_at, used_at from reporting.signin_link where id_hash = @hash", new { hash = SHA256.HashData(link.Id) }, cancellationToken: ct));
        if (row is null) return SignInLinkState.Invalid;
        if (row.Value.UsedAt is not null) return SignInLinkState.Used;
        return row.Value.ExpiresAt <= clock.GetUtcNow().ToUniversalTime().UtcDateTime || link.Expires <= clock.GetUtcNow().ToUniversalTime() ? SignInLinkState.Expired : SignInLinkState.Valid;
    }

    /// <summary>Takes the link: the address it was sent to, or null (and why) when it is not valid any more.</summary>
    public async Task<(string? Email, SignInLinkState State)> TakeAsync(string token, CancellationToken ct)
    {
        var state = await CheckAsync(token, ct);
        if (state != SignInLinkState.Valid) return (null, state);
        var link = Parse(token)!.Value;
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        var email = await conn.ExecuteScalarAsync<string?>(new CommandDefinition("""
            update reporting.signin_link set used_at = @now
            where id_hash = @hash and used_at is null and expires_at > @now
            returning email
            """, new { hash = SHA256.HashData(link.Id), now = clock.GetUtcNow().ToUniversalTime() }, cancellationToken: ct));
        return email is null ? (null, SignInLinkState.Used) : (email, SignInLinkState.Valid);
    }
}

/// <summary>
/// The one seam every way of signing in ends in: the email link today; a company's OpenID Connect provider would call
/// <see cref="SignInAsync"/> with the address it vouches for. The session is a cookie (HttpOnly, SameSite=Lax, Secure
/// under https) protected by the shared data-protection keys.
/// </summary>
public static class WorkspaceSession
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;

    public static Task SignInAsync(HttpContext http, string email) => SignInAsync(http, new Claim(People.EmailClaim, email));

    /// <summary>An admin API key's session: it names the key, which is looked up on every request, so revoking the key ends it.</summary>
    public static Task SignInWithKeyAsync(HttpContext http, long keyId) =>
        SignInAsync(http, new Claim(People.KeyClaim, keyId.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static Task SignInAsync(HttpContext http, Claim who) =>
        http.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity([who], Scheme)));

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(Scheme);
}

/// <summary>
/// Sends sign-in emails away from the request: the request only queues the address, so its answer and its timing are
/// the same whether or not the address belongs to anyone. Per address, at most Workspace:SignInMailsPerAddress mails
/// in any 15 minutes, counted in the database across every serve process (<see cref="SignInLinks.CreateMailedAsync"/>);
/// the rest are dropped without a word.
/// </summary>
public sealed class SignInMailer(IServiceProvider services, ILogger<SignInMailer> logger) : BackgroundService
{
    private readonly Channel<string> queue = Channel.CreateBounded<string>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Number of mails sent, for tests and the log.</summary>
    public int Sent => sent;
    private int sent;

    public void Request(string email) => queue.Writer.TryWrite(email.Trim());

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var email in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await SendAsync(email, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The person asks again; the reason is in the log, never the link.
                logger.LogError("Sign-in mail failed: {Error}", ex.Message);
            }
        }
    }

    private async Task SendAsync(string email, CancellationToken ct)
    {
        var person = await services.GetRequiredService<People>().FindAsync(email, ct);
        if (person is null) return;
        var options = services.GetRequiredService<IOptions<WorkspaceOptions>>().Value;
        var token = await services.GetRequiredService<SignInLinks>().CreateMailedAsync(person.Email, options.SignInMailsPerAddress, ct);
        if (token is null)
        {
            logger.LogWarning("Sign-in mail not sent: too many requests for one address in 15 minutes");
            return;
        }
        var baseUrl = services.GetRequiredService<IOptions<AcknowledgementOptions>>().Value.PublicBaseUrl!.TrimEnd('/');
        var url = $"{baseUrl}/app/signin/{token}";
        var minutes = options.SignInLinkMinutes;
        var t = WorkspaceText.For(person.Locale);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(services.GetRequiredService<IOptions<MailOptions>>().Value.From));
        message.To.Add(new MailboxAddress(person.Name, person.Email));
        message.Subject = t.SignInMailSubject;
        message.Headers.Add("Auto-Submitted", "auto-generated");
        var body = new BodyBuilder
        {
            TextBody = $"{t.SignInMailIntro(minutes)}\n\n{url}\n\n{t.SignInMailIgnore}\n",
            HtmlBody = $"""
                <!DOCTYPE html><html><body style="font-family:sans-serif">
                <p>{System.Net.WebUtility.HtmlEncode(t.SignInMailIntro(minutes))}</p>
                <p><a href="{System.Net.WebUtility.HtmlEncode(url)}">{System.Net.WebUtility.HtmlEncode(t.SignInButton)}</a></p>
                <p style="color:#666">{System.Net.WebUtility.HtmlEncode(t.SignInMailIgnore)}</p>
                </body></html>
                """,
        };
        message.Body = body.ToMessageBody();
        var stamp = services.GetRequiredService<TimeProvider>().GetUtcNow().ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        // Several processes may write one address's mails in the same millisecond: a few random letters keep the names apart.
        var unique = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        await services.GetRequiredService<IMailTransport>().SendAsync(message, $"signin_{stamp}{unique}_{FileNames.Part(person.Email)}.eml", ct);
        Interlocked.Increment(ref sent);
    }
}
