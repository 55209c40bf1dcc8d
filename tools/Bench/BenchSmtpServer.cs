using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace SalesReporting.Bench;

/// <summary>
/// A real SMTP server on 127.0.0.1 in this process that accepts and counts every message. Both the
/// delivery pipeline and the bare MailKit loop send to it, so they pay the same server cost.
/// </summary>
public sealed class BenchSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task running;
    private long messages;
    private long bytes;

    public int Port { get; }
    public long Messages => Interlocked.Read(ref messages);
    public long Bytes => Interlocked.Read(ref bytes);
    /// <summary>How many times each Message-Id arrived since <see cref="ForgetMessageIds"/>.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> MessageIds { get; } = new(StringComparer.Ordinal);
    public void ForgetMessageIds()
    {
        MessageIds.Clear();
        StoreFaults.Clear();
    }
    /// <summary>What went wrong in this server's own handling of a message (the library answers such a message 554 with
    /// no text); none means a 554 came from the library reading the message before it reached the store.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> StoreFaults { get; } = new();

    public BenchSmtpServer()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var options = new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port))).MaxMessageSize(64 * 1024 * 1024).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new CountingStore(this));
        services.Add(new NoDelayListenerFactory());
        running = new SmtpServer.SmtpServer(options, services).StartAsync(stop.Token);
    }

    private sealed class CountingStore(BenchSmtpServer server) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            try
            {
                Interlocked.Increment(ref server.messages);
                Interlocked.Add(ref server.bytes, buffer.Length);
                if (MessageId(buffer) is { } id) server.MessageIds.AddOrUpdate(id, 1, (_, n) => n + 1);
                return Task.FromResult(SmtpResponse.Ok);
            }
            catch (Exception ex)
            {
                server.StoreFaults.Enqueue($"{ex.GetType().Name}: {ex.Message}");
                throw;
            }
        }
    }

    /// <summary>The Message-ID header's value, from the message's header block (ASCII by RFC 5322); null when absent.</summary>
    private static string? MessageId(ReadOnlySequence<byte> buffer)
    {
        var head = buffer.Slice(0, Math.Min(buffer.Length, 16 * 1024));
        var text = System.Text.EncodingExtensions.GetString(System.Text.Encoding.ASCII, head);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        foreach (var line in (end < 0 ? text : text[..end]).Split("\r\n"))
            if (line.StartsWith("Message-ID:", StringComparison.OrdinalIgnoreCase)) return line["Message-ID:".Length..].Trim();
        return null;
    }

    /// <summary>
    /// The library's listener leaves Nagle's algorithm on; with MailKit's small command writes every reply
    /// then waits for the delayed ACK (about 40 ms on Linux), which would measure the kernel, not the code.
    /// </summary>
    private sealed class NoDelayListenerFactory : IEndpointListenerFactory
    {
        public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
        {
            var listener = new TcpListener(endpointDefinition.Endpoint);
            listener.Start();
            return new Listener(listener);
        }

        private sealed class Listener(TcpListener listener) : IEndpointListener
        {
            public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
            {
                var client = await listener.AcceptTcpClientAsync(cancellationToken);
                client.NoDelay = true;
                return new PlainPipe(client);
            }

            public void Dispose() => listener.Stop();
        }

        private sealed class PlainPipe(TcpClient client) : ISecurableDuplexPipe
        {
            private readonly NetworkStream stream = client.GetStream();
            public PipeReader Input => field ??= PipeReader.Create(stream);
            public PipeWriter Output => field ??= PipeWriter.Create(stream);
            public bool IsSecure => false;
            public SslProtocols SslProtocol => SslProtocols.None;

            public Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken) =>
                throw new NotSupportedException("The bench SMTP server offers no TLS.");

            public void Dispose() => client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try { await running; } catch (OperationCanceledException) { }
        stop.Dispose();
    }
}
