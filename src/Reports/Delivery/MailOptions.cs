using System.ComponentModel.DataAnnotations;

namespace SalesReporting.Reports.Delivery;

/// <summary>Section "Smtp". Without a host, mail goes to Mail:PickupDirectory as .eml files.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";
    public string? Host { get; set; }
    [Range(1, 65535)] public int Port { get; set; } = 25;
    public string? User { get; set; }
    public string? Password { get; set; }
    /// <summary>true: TLS on connect for port 465, STARTTLS required otherwise. false: plain (a relay on localhost).</summary>
    public bool UseTls { get; set; }
    [Range(1, 600)] public int TimeoutSeconds { get; set; } = 30;
    /// <summary>SMTP connections a process keeps open and sends on side by side (deliveries of several teams at once).</summary>
    [Range(1, 32)] public int Connections { get; set; } = 1;
}

/// <summary>Section "Mail".</summary>
public sealed class MailOptions
{
    public const string Section = "Mail";
    [Required(ErrorMessage = "Mail:From is required (the sender address of every report, e.g. \"Sales Reports <reports@example.com>\").")]
    public string From { get; set; } = "SalesReporting <reports@salesreporting.local>";
    /// <summary>When set and Smtp:Host is not, messages are written here as .eml files.</summary>
    public string? PickupDirectory { get; set; }
    /// <summary>Attempts at one message within one job run before the job itself fails and is retried by Hangfire.</summary>
    [Range(1, 10)] public int Attempts { get; set; } = 3;
    [Range(0, 60_000)] public int RetryDelayMilliseconds { get; set; } = 1000;

    /// <summary>
    /// One mailbox with a local part and a domain (<c>reports@example.com</c>, <c>Sales Reports &lt;reports@example.com&gt;</c>).
    /// MimeKit alone takes a bare word (<c>reports</c>, <c>not-an-email</c>) as an address without a domain: no server
    /// delivers from it, and the Message-Ids, made with the sender's domain, would end in a bare <c>@</c>.
    /// </summary>
    public static bool IsSenderAddress(string? from) =>
        MimeKit.MailboxAddress.TryParse(from, out var mailbox)
        && mailbox.LocalPart.Length > 0 && mailbox.Domain.Length > 0
        && !mailbox.Domain.Any(char.IsWhiteSpace) && !mailbox.Domain.StartsWith('.') && !mailbox.Domain.EndsWith('.');
}
