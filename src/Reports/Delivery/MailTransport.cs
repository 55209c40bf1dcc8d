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

    /// <summary>How many messages it sends side by side (the SMTP connections it keeps).</summary>
    int Connections => 1;
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
/// MailKit over a few SMTP connections kept open and reused for many messages (<see cref="SmtpOptions.Connections"/>,
/// reconnected when the server drops one), so deliveries running side by side — a month-end's teams, several Hangfire
/// workers — do not queue behind one connection while each holds its ledger row; failures are classified as transient
/// or permanent.
/// </summary>
public sealed class SmtpTransport(IOptions<SmtpOptions> options) : IMailTransport, IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(options.Value.Connections, options.Value.Connections);
    private readonly System.Collections.Concurrent.ConcurrentBag<SmtpClient> idle = [];

    public int Connections => options.Value.Connections;

    /// <summary>Connections opened so far (the test of the pool reads it).</summary>
    public int Opened => opened;
    private int opened;

    /// <summary>Of those, the ones connected with Nagle's algorithm off (the test of <see cref="ConnectSocketAsync"/>'s use reads it).</summary>
    internal int OpenedNoDelay => openedNoDelay;
    private int openedNoDelay;

    public async Task<string> SendAsync(MimeMessage message, string fileName, CancellationToken ct)
    {
        IMailTransport.MarkAutomatic(message);
        await gate.WaitAsync(ct);
        SmtpClient? smtp = null;
        try
        {
            smtp = await ConnectAsync(ct);
            var answer = await smtp.SendAsync(message, ct);
            idle.Add(smtp);
            smtp = null;
            return answer;
        }
        catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500)
        {
            // The connection is still good after a refused message.
            if (smtp is { IsConnected: true }) { idle.Add(smtp); smtp = null; }
            throw new PermanentMailException($"{(int)ex.StatusCode} {ex.Message}", ex);
        }
        catch (SmtpCommandException ex)
        {
            throw new TransientMailException($"{(int)ex.StatusCode} {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpProtocolException or ServiceNotConnectedException or TimeoutException
                                       or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new TransientMailException(ex.Message, ex);
        }
        catch (AuthenticationException ex)
        {
            throw new PermanentMailException("SMTP authentication failed: " + ex.Message, ex);
        }
        finally
        {
            if (smtp is not null) await DropAsync(smtp); // a connection that failed is not used again
            gate.Release();
        }
    }

    /// <summary>An idle connection that is still open, or a new one.</summary>
    private async Task<SmtpClient> ConnectAsync(CancellationToken ct)
    {
        while (idle.TryTake(out var client))
        {
            if (client.IsConnected) return client;
            await DropAsync(client);
        }
        var connected = await ConnectAsync(options.Value, options.Value.TimeoutSeconds, ct,
            socket => { if (socket.NoDelay) Interlocked.Increment(ref openedNoDelay); });
        Interlocked.Increment(ref opened);
        return connected;
    }

    /// <summary>A client connected to the configured server (TLS as <see cref="SmtpOptions.UseTls"/> says) and logged in
    /// when a user is set: the transport's connection, and the health check's.</summary>
    public static Task<SmtpClient> ConnectAsync(SmtpOptions o, int timeoutSeconds, CancellationToken ct) => ConnectAsync(o, timeoutSeconds, ct, null);

    private static async Task<SmtpClient> ConnectAsync(SmtpOptions o, int timeoutSeconds, CancellationToken ct, Action<Socket>? connected)
    {
        ArgumentNullException.ThrowIfNull(o);
        var smtp = new SmtpClient { Timeout = timeoutSeconds * 1000 };
        try
        {
            var security = !o.UseTls ? SecureSocketOptions.None : o.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
            var host = o.Host ?? throw new InvalidOperationException("Smtp:Host is not set.");
            var socket = await ConnectSocketAsync(host, o.Port, timeoutSeconds, ct);
            connected?.Invoke(socket);
            // MailKit owns the socket from here: it closes it when the greeting or TLS fails, and with the client.
            await smtp.ConnectAsync(socket, host, o.Port, security, ct);
            if (!string.IsNullOrEmpty(o.User)) await smtp.AuthenticateAsync(o.User, o.Password ?? "", ct);
            return smtp;
        }
        catch
        {
            smtp.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The TCP connection to the server, with Nagle's algorithm off (TCP_NODELAY), as MailKit does not turn it off itself.
    /// MailKit writes a message's last line (".") as a small write of its own; with Nagle on, that write waits for the
    /// server to acknowledge the body, which a server that delays its ACKs does after 40 ms (Linux): every few messages
    /// stalled 40 ms on one connection, and the month-end's delivery ran at half the rate of a loop that is not held up.
    /// </summary>
    public static async Task<Socket> ConnectSocketAsync(string host, int port, int timeoutSeconds, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, timeout.Token);
            return socket;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"Connecting to the SMTP server {host}:{port} took longer than {timeoutSeconds} s.");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task DropAsync(SmtpClient client)
    {
        try { if (client.IsConnected) await client.DisconnectAsync(true); } catch (Exception) { /* already broken */ }
        client.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        while (idle.TryTake(out var client)) await DropAsync(client);
        gate.Dispose();
    }
}
