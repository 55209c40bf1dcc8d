using Dapper;
using SalesReporting.Data;

namespace SalesReporting.Reports.Delivery;

/// <summary>One ledger row as the audit shows it: who got what and when, the Message-Id, the attempts, the server's
/// last answer (its acceptance, or the error), the SHA-256 of the PDF that was sent and how many times it was sent.</summary>
public sealed record DeliveryRecord(long Id, string Kind, DateOnly Period, string SubjectId, string Recipient, string Status,
    DateTime? SentAt, string MessageId, int Attempts, string? LastAnswer, DateTime? LastAttemptAt, string? DocumentSha256, int Sends);

/// <summary>What the audit lists: a period, and optionally one rep (their forms and revisions), one team (its reps'
/// forms and its summary) and one status.</summary>
public sealed record DeliveryFilter(Period Period, string? RepId = null, string? TeamId = null, string? Status = null)
{
    public static readonly string[] Statuses = ["pending", "sent", "failed"];
}

/// <summary>The delivery audit: the ledger read back, and the documents that were sent, by their hash.</summary>
public sealed class DeliveryAudit(Databases db)
{
    public async Task<IReadOnlyList<DeliveryRecord>> ListAsync(DeliveryFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.Status is { } s && !DeliveryFilter.Statuses.Contains(s))
            throw new ArgumentException($"status '{s}' is not one of {string.Join(", ", DeliveryFilter.Statuses)}.", nameof(filter));
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        // A rep's deliveries are their form and its revisions (subject "R001.r2") and their disputes' mails; a team's, its reps' and its own.
        return (await conn.QueryAsync<DeliveryRecord>(new CommandDefinition("""
            with d as (
              select d.*, case d.kind when 'rep_form' then d.subject_id
                                      when 'rep_form_revision' then regexp_replace(d.subject_id, '\.r[0-9]+$', '')
                                      -- a dispute's mail to the manager: subject the rep_response id, the rep's who disputed
                                      when 'dispute' then (select x.rep_id from reporting.rep_response x where x.id::text = d.subject_id) end as rep_id
              from reporting.delivery d
              where d.period = @period and (@status::text is null or d.status = @status))
            select d.id, d.kind, d.period, d.subject_id, d.recipient, d.status, d.sent_at, d.message_id, d.attempts,
                   coalesce(d.last_error, d.last_response) as last_answer, d.last_attempt_at, d.document_sha256,
                   (select count(*)::int from reporting.delivery_send s where s.delivery_id = d.id) as sends
            from d
            where (@rep::text is null or d.rep_id = @rep)
              and (@team::text is null
                   or (d.kind in ('team_summary', 'review_ready') and d.subject_id = @team)
                   or exists (select 1 from staging.reps r where r.rep_id = d.rep_id and r.team_id = @team))
            order by d.kind, d.subject_id, d.recipient
            """, new { period = filter.Period.Start, status = filter.Status, rep = filter.RepId, team = filter.TeamId }, cancellationToken: ct))).ToList();
    }

    /// <summary>The bytes of a document that was sent, by its SHA-256; null when none was kept under that hash.</summary>
    public async Task<byte[]?> DocumentAsync(string sha256, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<byte[]?>(new CommandDefinition(
            "select content from reporting.sent_document where sha256 = @sha256", new { sha256 }, cancellationToken: ct));
    }
}
