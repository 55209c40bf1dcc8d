using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SalesReporting.Data;

namespace SalesReporting.Worker.Api;

/// <summary>Section "Acknowledgement": the signed link in the month-end email (反饋與確認).</summary>
public sealed class AcknowledgementOptions
{
    public const string Section = "Acknowledgement";
    /// <summary>HMAC-SHA256 key, at least 32 characters, from the environment (Acknowledgement__Secret). Never logged.</summary>
    public string? Secret { get; set; }
    /// <summary>How the worker is reached from the reps' mail clients, e.g. https://reports.example.com</summary>
    public string? PublicBaseUrl { get; set; }
    public int LinkValidDays { get; set; } = 30;

    public const int MinSecretLength = 32;
    public static readonly string ShortSecret = $"Acknowledgement:Secret is shorter than {MinSecretLength} characters.";

    /// <summary>A secret that is set must be long enough; one-shot commands may run without any.</summary>
    public bool SecretLengthIsValid => string.IsNullOrEmpty(Secret) || Secret.Length >= MinSecretLength;

    /// <summary>What is wrong for serving links, or nothing. Messages name keys, never values.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrEmpty(Secret)) yield return "Acknowledgement:Secret is not set (environment variable Acknowledgement__Secret, at least 32 random characters); it signs the acknowledgement links.";
        else if (!SecretLengthIsValid) yield return ShortSecret;
        if (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps))
            yield return "Acknowledgement:PublicBaseUrl is not an absolute http(s) URL (how reps reach this server, e.g. https://reports.example.com).";
        if (LinkValidDays is < 1 or > 365) yield return "Acknowledgement:LinkValidDays must be between 1 and 365.";
    }

    public bool IsConfigured => !Problems().Any();
}

public enum LinkCheck { Valid, Invalid, Expired }

/// <summary>
/// Signed, expiring acknowledgement links naming one rep and one period:
/// {PublicBaseUrl}/ack/{period}/{rep}?exp={unix seconds}&amp;sig={base64url HMAC-SHA256("ack.v1|period|rep|exp")}.
/// Changing the rep, the period or the expiry breaks the signature; the signature is compared in constant time.
/// </summary>
public sealed class AcknowledgementLinks(IOptions<AcknowledgementOptions> options, TimeProvider clock) : Reports.Reminders.IWorkspaceLinks
{
    string? Reports.Reminders.IWorkspaceLinks.Url(string path) => WorkspaceUrl(path);

    /// <summary>The link for the month-end email, or null when links are not configured (one-shot commands without them).</summary>
    public string? UrlFor(Period period, string repId)
    {
        var o = options.Value;
        if (!o.IsConfigured) return null;
        var exp = clock.GetUtcNow().AddDays(o.LinkValidDays).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"{o.PublicBaseUrl!.TrimEnd('/')}/ack/{period}/{Uri.EscapeDataString(repId)}?exp={exp}&sig={Sign(period.ToString(), repId, exp)}";
    }

    /// <summary>A page of the workspace (path from the site root, e.g. /app/reps/R001/2026-10) for an email's button, or null
    /// when Acknowledgement:PublicBaseUrl is not set. The page asks for sign-in; the link itself grants nothing.</summary>
    public string? WorkspaceUrl(string path) =>
        string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl) ? null : options.Value.PublicBaseUrl.TrimEnd('/') + path;

    public LinkCheck Check(string period, string repId, string? exp, string? sig)
    {
        if (!options.Value.IsConfigured || string.IsNullOrEmpty(exp) || string.IsNullOrEmpty(sig) || sig.Length > 100) return LinkCheck.Invalid;
        byte[] presented;
        try { presented = Base64Url.DecodeFromChars(sig); }
        catch (FormatException) { return LinkCheck.Invalid; }
        var expected = Mac(period, repId, exp);
        if (!CryptographicOperations.FixedTimeEquals(presented, expected)) return LinkCheck.Invalid;
        if (!long.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return LinkCheck.Invalid;
        return clock.GetUtcNow().ToUnixTimeSeconds() > seconds ? LinkCheck.Expired : LinkCheck.Valid;
    }

    private string Sign(string period, string repId, string exp) => Base64Url.EncodeToString(Mac(period, repId, exp));

    private byte[] Mac(string period, string repId, string exp) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Secret!), Encoding.UTF8.GetBytes($"ack.v1|{period}|{repId}|{exp}"));
}
