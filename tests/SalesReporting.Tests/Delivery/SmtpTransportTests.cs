using Microsoft.Extensions.Options;
using MimeKit;
using SalesReporting.Reports.Delivery;
using SalesReporting.Tests.Infrastructure;
using SmtpServer.Protocol;

namespace SalesReporting.Tests.Delivery;

/// <summary>The SMTP transport against a real SMTP server: a few connections kept open, reused, and none left broken.</summary>
public sealed class SmtpTransportTests : IAsyncDisposable
{
    private readonly SmtpSink smtp = new();

    public ValueTask DisposeAsync() => smtp.DisposeAsync();

    private SmtpTransport Transport(int connections) =>
        new(Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = smtp.Port, Connections = connections }));

    private static MimeMessage Message(int n)
    {
        var m = new MimeMessage { Subject = $"m{n}" };
        m.From.Add(MailboxAddress.Parse("reports@x.example"));
        m.To.Add(MailboxAddress.Parse($"r{n}@x.example"));
        m.Body = new TextPart("plain") { Text = "hello" };
        return m;
    }

    [Fact]
    public async Task Messages_one_after_another_go_over_one_connection()
    {
        await using var transport = Transport(4);
        for (var i = 0; i < 5; i++) await transport.SendAsync(Message(i), $"m{i}.eml", default);
        Assert.Equal(1, transport.Opened);
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], smtp.Messages.Select(m => m.Subject));
    }

    [Fact]
    public async Task Messages_side_by_side_share_at_most_the_configured_connections_and_every_one_arrives()
    {
        await using var transport = Transport(3);
        await Task.WhenAll(Enumerable.Range(0, 24).Select(i => transport.SendAsync(Message(i), $"m{i}.eml", default)));
        Assert.InRange(transport.Opened, 1, 3);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => $"m{i}").Order(StringComparer.Ordinal), smtp.Messages.Select(m => m.Subject!).Order(StringComparer.Ordinal));
        Assert.Equal("auto-generated", smtp.Messages.First().Headers["Auto-Submitted"]);
    }

    [Fact]
    public async Task A_refused_message_is_permanent_a_deferred_one_transient_and_the_next_message_still_goes()
    {
        await using var transport = Transport(2);
        smtp.Answer = m => m.Subject switch
        {
            "m1" => new SmtpResponse(SmtpReplyCode.MailboxUnavailable, "no such mailbox"),
            "m2" => new SmtpResponse((SmtpReplyCode)451, "try later"),
            _ => null,
        };
        await transport.SendAsync(Message(0), "m0.eml", default);
        var refused = await Assert.ThrowsAsync<PermanentMailException>(() => transport.SendAsync(Message(1), "m1.eml", default));
        Assert.StartsWith("550 ", refused.Message, StringComparison.Ordinal);
        var deferred = await Assert.ThrowsAsync<TransientMailException>(() => transport.SendAsync(Message(2), "m2.eml", default));
        Assert.StartsWith("451 ", deferred.Message, StringComparison.Ordinal);
        await transport.SendAsync(Message(3), "m3.eml", default);
        Assert.Equal(["m0", "m3"], smtp.Messages.Select(m => m.Subject));
    }

    [Fact]
    public async Task The_connection_is_made_with_Nagle_off_to_the_configured_host_and_port()
    {
        // MailKit does not turn Nagle's algorithm off; with it on, a message's last small write waits for the server's
        // delayed ACK (40 ms on Linux) every few messages. The transport connects the socket itself, with TCP_NODELAY.
        using var socket = await SmtpTransport.ConnectSocketAsync("localhost", smtp.Port, 5, default);
        Assert.True(socket.NoDelay);
        Assert.True(socket.Connected);
        Assert.Equal(smtp.Port, ((System.Net.IPEndPoint)socket.RemoteEndPoint!).Port);

        // And the transport sends over such a connection (not one MailKit opened by host name): two messages, one connection.
        await using var transport = Transport(1);
        await transport.SendAsync(Message(0), "m0.eml", default);
        await transport.SendAsync(Message(1), "m1.eml", default);
        Assert.Equal((1, 1, 2), (transport.Opened, transport.OpenedNoDelay, smtp.Messages.Count));
    }

    [Fact]
    public async Task A_server_that_is_not_listening_is_a_transient_failure_naming_the_error()
    {
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var transport = new SmtpTransport(Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = port }));
        var failed = await Assert.ThrowsAsync<TransientMailException>(() => transport.SendAsync(Message(0), "m0.eml", default));
        Assert.Contains("refused", failed.Message, StringComparison.OrdinalIgnoreCase);
    }
}
