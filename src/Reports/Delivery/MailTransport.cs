using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace SalesReporting.Reports.Delivery;

/// <summary>Where finished messages go: an SMTP server, or a pickup folder of .eml files.</summary>
public interface IMailTransport
{
    /// <summary>Marks a message as automatic (RFC 3834 Auto-Submitted, and Exchange's equivalent), so out-of-office and
    /// other automatic replies do not answer it. Every transport does this to every message it sends: all of ours are.</summary>
    static void MarkAutomatic(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Headers.Replace("Auto-Submitted", "auto-generated");
        message.Headers.Replace("X-Auto-Response-Suppress", "All");
    }

    /// <summary>Sends the message; returns the server's answer (for the delivery audit).</summary>
    Task<string> SendAsync(MimeMessage message, string fileName, CancellationToken ct);
}

/// <summary>A failure worth trying again (connection refused, 4xx); anything else is permanent.</summary>
public sealed class TransientMailException(string message, Exception inner) : Exception(message, inner);

public sealed class PermanentMailException(string message, Exception inner) : Exception(message, inner);

public sealed class PickupDirectoryTransport(string directory) : IMailTransport
{
    public async Task<string> SendAsync(MimeMessage message, string fileName, CancellationToken ct)
    {
        IMailTransport.MarkAutomatic(message);
        Directory.CreateDirectory(directory);
        var path = SalesReporting.Data.FileNames.Within(directory, fileName);
        var temp = path + ".tmp";
        await message.WriteToAsync(temp, ct);
        File.Move(temp, path, overwrite: true); // a reader never sees half a message
        return "written to " + Path.GetFileName(path);
    }
}

/// <summary>
/// MailKit over one SMTP connection reused for many messages (reconnected when the server drops it);
/// failures are classified as transient or permanent.
/// </summary>
public sealed class SmtpTransport(IOptions<SmtpOptions> options) : IMailTransport, IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private SmtpClient? client;

    public async Task<string> SendAsync(MimeMessage message, string fileName, CancellationToken ct)
    {
        IMailTransport.MarkAutomatic(message);
        await gate.WaitAsync(ct);
        try
        {
            var smtp = await ConnectAsync(ct);
            return await smtp.SendAsync(message, ct);
        }
        catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500)
        {
            throw new PermanentMailException($"{(int)ex.StatusCode} {ex.Message}", ex);
        }
        catch (SmtpCommandException ex)
        {
            await DropAsync();
            throw new TransientMailException($"{(int)ex.StatusCode} {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpProtocolException or ServiceNotConnectedException or TimeoutException
                                       or OperationCanceledException && !ct.IsCancellationRequested)
        {
            await DropAsync();
            throw new TransientMailException(ex.Message, ex);
        }
        catch (AuthenticationException ex)
        {
            await DropAsync();
            throw new PermanentMailException("SMTP authentication failed: " + ex.Message, ex);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<SmtpClient> ConnectAsync(CancellationToken ct)
    {
        if (client is { IsConnected: true }) return client;
        await DropAsync();
        client = await ConnectAsync(options.Value, options.Value.TimeoutSeconds, ct);
        return client;
    }

    /// <summary>A client connected to the configured server (TLS as <see cref="SmtpOptions.UseTls"/> says) and logged in
    /// when a user is set: the transport's connection, and the health check's.</summary>
    public static async Task<SmtpClient> ConnectAsync(SmtpOptions o, int timeoutSeconds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(o);
        var smtp = new SmtpClient { Timeout = timeoutSeconds * 1000 };
        try
        {
            var security = !o.UseTls ? SecureSocketOptions.None : o.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
            await smtp.ConnectAsync(o.Host ?? throw new InvalidOperationException("Smtp:Host is not set."), o.Port, security, ct);
            if (!string.IsNullOrEmpty(o.User)) await smtp.AuthenticateAsync(o.User, o.Password ?? "", ct);
            return smtp;
        }
        catch
        {
            smtp.Dispose();
            throw;
        }
    }

    private async Task DropAsync()
    {
        if (client is null) return;
        try { if (client.IsConnected) await client.DisconnectAsync(true); } catch (Exception) { /* already broken */ }
        client.Dispose();
        client = null;
    }

    public async ValueTask DisposeAsync()
    {
        await DropAsync();
        gate.Dispose();
    }
}
