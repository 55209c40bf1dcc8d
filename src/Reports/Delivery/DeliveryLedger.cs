using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using SalesReporting.Data;

namespace SalesReporting.Reports.Delivery;

/// <summary>Held: not sent, the team's forms wait for the manager's review (release after review).</summary>
public enum DeliveryOutcome { Sent, AlreadySent, Failed, Held }

public sealed record DeliveryKey(string Kind, Period Period, string SubjectId, string Recipient)
{
    /// <summary>The same key always gives the same Message-Id, so a receiver can drop a duplicate.</summary>
    public string MessageId(string domain)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Kind}|{Period}|{SubjectId}|{Recipient.ToLowerInvariant()}")))[..16];
        return $"{Kind}.{Period}.{FileNames.Part(SubjectId)}.{hash}@{domain}";
    }

    public string FileName => $"{Period}_{Kind}_{FileNames.Part(SubjectId)}_{FileNames.Part(Recipient)}.eml";
}

/// <summary>
/// Exactly-once in effect (docs/jobs.md): the delivery row is locked while its message is sent and marked
/// sent in the same transaction, so a rerun, a retry or a second worker sends nothing twice.
/// </summary>
public sealed class DeliveryLedger(Databases db, IMailTransport transport, IOptions<MailOptions> options, ILogger<DeliveryLedger> logger)
{
    public async Task<bool> IsSentAsync(DeliveryKey key, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition("""
            select exists (select 1 from reporting.delivery
                           where kind = @Kind and period = @period and subject_id = @SubjectId and recipient = @Recipient and status = 'sent')
            """, new { key.Kind, period = key.Period.Start, key.SubjectId, key.Recipient }, cancellationToken: ct));
    }

    /// <summary>A forced resend: the period's deliveries of these kinds, sent or failed, go back to pending, so
    /// the next run sends them again (same Message-Ids) — and a retry of that run sends nothing twice.</summary>
    public async Task<int> ReopenAsync(Period period, IReadOnlyCollection<string> kinds, CancellationToken ct) =>
        await ReopenAsync(period, kinds, null, ct);

    /// <summary>A forced resend of some subjects only (a rep's form, a team's summary): as
    /// <see cref="ReopenAsync(Period, IReadOnlyCollection{string}, CancellationToken)"/>, for these subject ids; null is all.</summary>
    public async Task<int> ReopenAsync(Period period, IReadOnlyCollection<string> kinds, IReadOnlyCollection<string>? subjects, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        var reopened = await conn.ExecuteAsync(new CommandDefinition("""
            update reporting.delivery set status = 'pending', last_error = null
            where period = @period and kind = any(@kinds) and status <> 'pending'
              and (@all or subject_id = any(@subjects))
            """, new { period = period.Start, kinds = kinds.ToArray(), all = subjects is null, subjects = subjects?.ToArray() ?? [] }, cancellationToken: ct));
        logger.LogInformation("Resend of {Period}: {Count} deliveries reopened", period, reopened);
        return reopened;
    }

    /// <summary>The subjects among these whose delivery of this kind and period to the given recipient is
    /// already sent: <see cref="IsSentAsync"/> for a whole team in one query.</summary>
    public async Task<IReadOnlySet<string>> SentAsync(string kind, Period period, IReadOnlyCollection<(string SubjectId, string Recipient)> subjects, CancellationToken ct)
    {
        if (subjects.Count == 0) return new HashSet<string>();
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<string>(new CommandDefinition("""
            select d.subject_id
            from reporting.delivery d
            join unnest(@subjects, @recipients) as k(subject_id, recipient) on d.subject_id = k.subject_id and d.recipient = k.recipient
            where d.kind = @kind and d.period = @period and d.status = 'sent'
            """, new
            {
                kind,
                period = period.Start,
                subjects = subjects.Select(k => k.SubjectId).ToArray(),
                recipients = subjects.Select(k => k.Recipient).ToArray(),
            }, cancellationToken: ct))).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Sends unless already sent (or <paramref name="force"/>). Transient failures retry with backoff and
    /// then throw, so the job is retried; a permanent failure is recorded and returned, never retried.</summary>
    public Task<(DeliveryOutcome Outcome, string? Error)> DeliverAsync(DeliveryKey key, Func<string, MimeMessage> compose, bool force, CancellationToken ct) =>
        DeliverAsync(key, compose, force, null, ct);

    /// <summary>One message of <see cref="DeliverManyAsync"/>: its ledger key, how to write it (given its Message-Id), and
    /// the document attached to it, kept when it is sent.</summary>
    public sealed record Outgoing(DeliveryKey Key, Func<string, MimeMessage> Compose, byte[]? Document);

    /// <summary>
    /// These messages, each as <see cref="DeliverAsync(DeliveryKey, Func{string, MimeMessage}, bool, byte[], CancellationToken)"/>
    /// (its own row, lock and transaction), pipelined: while one message is marked sent and committed, the next is
    /// already claimed and on its way, so the database's share of each message is off the SMTP connection's path. At
    /// most one more message is in flight than the transport has connections (Smtp:Connections). <paramref name="done"/>
    /// hears each outcome as it comes, one at a time. A message that keeps failing transiently does not hold the others
    /// up while it is retried (Mail:Attempts); once it has failed, no further message is started, the ones in flight
    /// finish (none is cancelled between its send and its mark), and the first failure is thrown: the job's retry sends
    /// what is left.
    /// </summary>
    public async Task<IReadOnlyList<(DeliveryOutcome Outcome, string? Error)>> DeliverManyAsync(IReadOnlyList<Outgoing> messages,
        Action<int, DeliveryOutcome, string?>? done, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var results = new (DeliveryOutcome Outcome, string? Error)[messages.Count];
        var inFlight = new List<Task>(transport.Connections + 1);
        var gate = new object();
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failed = null;

        async Task OneAsync(int i)
        {
            var m = messages[i];
            var result = await DeliverAsync(m.Key, m.Compose, false, m.Document, ct);
            results[i] = result;
            lock (gate) done?.Invoke(i, result.Outcome, result.Error);
        }

        async Task DrainOneAsync()
        {
            var finished = await Task.WhenAny(inFlight);
            inFlight.Remove(finished);
            if (finished.Exception is { } ex && failed is null)
                failed = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException ?? ex);
            else if (finished.IsCanceled && failed is null)
                failed = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(new OperationCanceledException(ct));
        }

        for (var i = 0; i < messages.Count && failed is null; i++)
        {
            while (inFlight.Count > transport.Connections && failed is null) await DrainOneAsync();
            if (failed is not null) break;
            inFlight.Add(OneAsync(i));
        }
        while (inFlight.Count > 0) await DrainOneAsync();
        failed?.Throw();
        return results;
    }

    /// <summary>As <see cref="DeliverAsync(DeliveryKey, Func{string, MimeMessage}, bool, CancellationToken)"/>, and the
    /// <paramref name="document"/> that was attached (the PDF) is kept, content-addressed, with its SHA-256 on the ledger
    /// row and on the row of this send, in the same transaction that marks the delivery sent.</summary>
    /// <remarks>
    /// Three round trips to the database per message sent: the row inserted or locked (one statement), the row marked
    /// sent, the commit. The document is written while the message is on its way to the SMTP server, behind a savepoint
    /// that a failed send rolls back, so no document is kept for a message that was not sent.
    /// </remarks>
    public async Task<(DeliveryOutcome Outcome, string? Error)> DeliverAsync(DeliveryKey key, Func<string, MimeMessage> compose, bool force,
        byte[]? document, CancellationToken ct)
    {
        var domain = MailboxAddress.Parse(options.Value.From).Domain;
        var row = new Row(key.Kind, key.Period.Start, key.SubjectId, key.Recipient, key.MessageId(domain));
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Inserted as pending or, when it exists, locked until this transaction ends (ON CONFLICT locks the row even when
        // its WHERE leaves it as it is); returned only when its message is to be sent: new, pending, or forced. A second
        // worker's insert of the same key waits here for the first one's commit.
        var claimed = await conn.QuerySingleOrDefaultAsync<string>(new CommandDefinition("""
            insert into reporting.delivery as d(kind, period, subject_id, recipient, message_id, status)
            values (@Kind, @Period, @SubjectId, @Recipient, @MessageId, 'pending')
            on conflict (kind, period, subject_id, recipient) do update set status = d.status
            where @force or d.status = 'pending'
            returning d.status
            """, new DynamicParameters(row).With("force", force), tx, cancellationToken: ct));
        if (claimed is null)
        {
            var (status, lastError) = await conn.QuerySingleAsync<(string, string?)>(new CommandDefinition("""
                select status, last_error from reporting.delivery
                where kind = @Kind and period = @Period and subject_id = @SubjectId and recipient = @Recipient
                """, row, tx, cancellationToken: ct));
            // A permanent failure (a bad address) stays failed until someone fixes it and forces a resend.
            return status == "sent" ? (DeliveryOutcome.AlreadySent, null) : (DeliveryOutcome.Failed, lastError);
        }

        var message = compose(row.MessageId);
        message.MessageId = row.MessageId;
        var sha256 = document is null ? null : Convert.ToHexStringLower(SHA256.HashData(document));
        // Written beside the send; the connection is used again only once it is done.
        var keep = document is null ? Task.CompletedTask : conn.ExecuteAsync(new CommandDefinition("""
            savepoint document;
            insert into reporting.sent_document(sha256, content, size_bytes) values (@sha256, @document, @size)
            on conflict (sha256) do nothing
            """, new { sha256, document, size = document.Length }, tx, cancellationToken: ct));
        try
        {
            Exception? last = null;
            for (var attempt = 1; attempt <= options.Value.Attempts; attempt++)
            {
                try
                {
                    var response = await transport.SendAsync(message, key.FileName, ct);
                    await keep;
                    await conn.ExecuteAsync(new CommandDefinition("""
                        with sent as (
                          update reporting.delivery set status = 'sent', sent_at = now(), attempts = attempts + @attempt, last_error = null,
                                 document_sha256 = @sha256, last_response = @response, last_attempt_at = now()
                          where kind = @Kind and period = @Period and subject_id = @SubjectId and recipient = @Recipient
                          returning id, message_id)
                        insert into reporting.delivery_send(delivery_id, message_id, document_sha256, response)
                        select id, message_id, @sha256, @response from sent
                        """, new DynamicParameters(row).With("attempt", attempt).With("sha256", sha256).With("response", Clip(response)), tx, cancellationToken: ct));
                    await tx.CommitAsync(ct);
                    return (DeliveryOutcome.Sent, null);
                }
                catch (PermanentMailException ex)
                {
                    logger.LogError("Delivery {Kind} {Period} {Subject} to {Recipient} failed permanently: {Error}", key.Kind, key.Period, key.SubjectId, key.Recipient, ex.Message);
                    await ForgetDocumentAsync(conn, tx, keep, document is not null, ct);
                    await RecordAsync(conn, tx, row, "failed", ex.Message, attempt, ct);
                    await tx.CommitAsync(ct);
                    return (DeliveryOutcome.Failed, ex.Message);
                }
                catch (TransientMailException ex)
                {
                    last = ex;
                    logger.LogWarning("Delivery {Kind} {Period} {Subject} attempt {Attempt} failed: {Error}", key.Kind, key.Period, key.SubjectId, attempt, ex.Message);
                    if (attempt < options.Value.Attempts)
                        await Task.Delay(options.Value.RetryDelayMilliseconds * (1 << (attempt - 1)), ct);
                }
            }
            await ForgetDocumentAsync(conn, tx, keep, document is not null, ct);
            await RecordAsync(conn, tx, row, "pending", last!.Message, options.Value.Attempts, ct);
            await tx.CommitAsync(ct);
            throw new TransientMailException($"Delivery of {key.Kind} {key.Period} {key.SubjectId} to {key.Recipient} still failing after {options.Value.Attempts} attempts: {last.Message}", last);
        }
        finally
        {
            // Cancelled, or failed in another way: the transaction is not disposed of while the document's command runs.
            if (!keep.IsCompleted) await keep.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    /// <summary>The ledger row's key and Message-Id, as the statements' parameters.</summary>
    private sealed record Row(string Kind, DateOnly Period, string SubjectId, string Recipient, string MessageId);

    /// <summary>A message that was not sent keeps no document: back to the savepoint taken before it was written. A write of
    /// the document that failed is forgotten the same way, so the failure of the send is still recorded.</summary>
    private static async Task ForgetDocumentAsync(Npgsql.NpgsqlConnection conn, Npgsql.NpgsqlTransaction tx, Task keep, bool kept, CancellationToken ct)
    {
        try { await keep; }
        catch (Npgsql.PostgresException) { /* rolled back below */ }
        if (kept) await conn.ExecuteAsync(new CommandDefinition("rollback to savepoint document", transaction: tx, cancellationToken: ct));
    }

    private static Task RecordAsync(Npgsql.NpgsqlConnection conn, Npgsql.NpgsqlTransaction tx, Row args, string status, string error, int attempts, CancellationToken ct)
    {
        var p = new DynamicParameters(args);
        p.Add("status", status);
        p.Add("error", Clip(error));
        p.Add("attempts", attempts);
        return conn.ExecuteAsync(new CommandDefinition("""
            update reporting.delivery set status = @status, last_error = @error, attempts = attempts + @attempts, last_attempt_at = now()
            where kind = @Kind and period = @Period and subject_id = @SubjectId and recipient = @Recipient
            """, p, tx, cancellationToken: ct));
    }

    private static string? Clip(string? text) => text is { Length: > 2000 } ? text[..2000] : text;
}

internal static class DynamicParametersExtensions
{
    public static DynamicParameters With(this DynamicParameters p, string name, object? value)
    {
        p.Add(name, value);
        return p;
    }
}
