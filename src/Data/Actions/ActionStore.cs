using Dapper;
using Npgsql;
using SalesReporting.Data.Sources;

namespace SalesReporting.Data.Actions;

/// <summary>Who is asking: an admin sees everything, a manager their team's reps, a rep only themself.</summary>
public sealed record AccessScope(string Role, string? ScopeId, string Name)
{
    public static AccessScope Admin(string name) => new("admin", null, name);
}

public sealed record ActionRecord(
    long Id, string RepId, DateOnly Period, string Problem, string RootCause, string CauseCategory, string Action,
    string OwnerName, string? OwnerEmail, DateOnly DueOn, DateOnly? CheckpointOn, string? SupportNeeded, string? Indicator,
    string Status, string? Effectiveness, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record ActionNote(long Id, long ActionId, string Note, string WrittenBy, DateTime WrittenAt);

public sealed record AnomalyReason(DateOnly Period, string RepId, string Indicator, string Reason, string? WrittenBy, DateTime WrittenAt);

/// <summary>Improvement actions, their notes and people's anomaly reasons, always read through an access scope.</summary>
public sealed class ActionStore(Databases db, CrmReps crmReps, Microsoft.Extensions.Options.IOptions<CompanyOptions> company, TimeProvider clock)
{
    /// <summary>Today in company time: what the plausible months and dates of an action are counted from.</summary>
    public DateOnly Today => company.Value.Today(clock);

    // Every read and write of the API goes through this filter, so a key never reaches a rep outside its scope.
    private const string InScope = """
        (@role = 'admin'
         or (@role = 'rep' and a.rep_id = @scope_id)
         or (@role = 'manager' and exists (select 1 from staging.reps sr where sr.rep_id = a.rep_id and sr.team_id = @scope_id)))
        """;
    private const string Columns = """
        a.id, a.rep_id, a.period, a.problem, a.root_cause, a.cause_category, a.action, a.owner_name, a.owner_email,
        a.due_on, a.checkpoint_on, a.support_needed, a.indicator, a.status, a.effectiveness, a.created_at, a.updated_at
        """;

    private static DynamicParameters Args(AccessScope scope, object? more = null)
    {
        var p = new DynamicParameters(more);
        p.Add("role", scope.Role);
        p.Add("scope_id", scope.ScopeId);
        return p;
    }

    /// <summary>The reps (those asked about, <paramref name="repIds"/>: an import's or one API request's) and the indicator
    /// codes that exist. A rep not staged yet is looked up in the CRM (<see cref="CrmReps"/>).</summary>
    public async Task<(RepLookup Reps, HashSet<string> Indicators)> KnownAsync(CancellationToken ct, IReadOnlyCollection<string> repIds)
    {
        var reps = await crmReps.LookupAsync(repIds, ct);
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        var indicators = (await conn.QueryAsync<string>(new CommandDefinition("select code from reporting.indicator", cancellationToken: ct))).ToHashSet(StringComparer.Ordinal);
        return (reps, indicators);
    }

    /// <summary>Whether the rep is one this scope may see (and so write for).</summary>
    public async Task<bool> RepInScopeAsync(AccessScope scope, string repId, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition($"""
            select exists (select 1 from (select @rep_id::text as rep_id) a where {InScope})
            """, Args(scope, new { rep_id = repId }), cancellationToken: ct));
    }

    public async Task<ActionRecord?> GetAsync(AccessScope scope, long id, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<ActionRecord>(new CommandDefinition($"""
            select {Columns} from reporting.improvement_action a where a.id = @id and {InScope}
            """, Args(scope, new { id }), cancellationToken: ct));
    }

    public async Task<IReadOnlyList<ActionRecord>> ListAsync(AccessScope scope, string? repId, DateOnly? period, string? status, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<ActionRecord>(new CommandDefinition($"""
            select {Columns} from reporting.improvement_action a
            where {InScope}
              and (@rep_id::text is null or a.rep_id = @rep_id)
              and (@period::date is null or a.period = @period)
              and (@status::text is null or a.status = @status)
            order by a.rep_id, a.period, a.due_on, a.id
            """, Args(scope, new { rep_id = repId, period, status }), cancellationToken: ct))).ToList();
    }

    /// <summary>Null when an action with the same (rep, period, problem) exists already.</summary>
    /// <param name="alsoInTransaction">more work of the same unit (the follow-up jobs), done in the transaction that writes the
    /// action; when it throws, nothing is kept</param>
    public async Task<ActionRecord?> CreateAsync(ActionFields f, CancellationToken ct,
        Func<ActionRecord, NpgsqlConnection, NpgsqlTransaction, Task>? alsoInTransaction = null)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var created = await conn.QuerySingleOrDefaultAsync<ActionRecord>(new CommandDefinition($"""
            insert into reporting.improvement_action as a(rep_id, period, problem, root_cause, cause_category, action, owner_name,
                   owner_email, due_on, checkpoint_on, support_needed, indicator, status)
            values (@RepId, @Period, @Problem, @RootCause, @CauseCategory, @Action, @OwnerName, @OwnerEmail, @DueOn, @CheckpointOn,
                    @SupportNeeded, @Indicator, coalesce(@Status, 'open'))
            on conflict (rep_id, period, problem) do nothing
            returning {Columns}
            """, f, tx, cancellationToken: ct));
        if (created is null) return null;
        if (alsoInTransaction is not null) await alsoInTransaction(created, conn, tx);
        await tx.CommitAsync(ct);
        return created;
    }

    public enum UpdateOutcome { Updated, NotFound, Conflict }

    /// <summary>Replaces every field of an action the scope can see; a null status keeps the current one.</summary>
    /// <param name="alsoInTransaction">more work of the same unit (the follow-up jobs), done in the transaction that writes the
    /// action; when it throws, the action is left as it was</param>
    public async Task<(UpdateOutcome Outcome, ActionRecord? Action)> UpdateAsync(AccessScope scope, long id, ActionFields f, CancellationToken ct,
        Func<ActionRecord, NpgsqlConnection, NpgsqlTransaction, Task>? alsoInTransaction = null)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var p = Args(scope, f);
        p.Add("id", id);
        try
        {
            var updated = await conn.QuerySingleOrDefaultAsync<ActionRecord>(new CommandDefinition($"""
                update reporting.improvement_action a set rep_id = @RepId, period = @Period, problem = @Problem, root_cause = @RootCause,
                       cause_category = @CauseCategory, action = @Action, owner_name = @OwnerName, owner_email = @OwnerEmail,
                       due_on = @DueOn, checkpoint_on = @CheckpointOn, support_needed = @SupportNeeded, indicator = @Indicator,
                       status = coalesce(@Status, a.status),
                       -- a verdict belongs to the dates and indicator it was drawn from
                       effectiveness = case when a.due_on = @DueOn and a.indicator is not distinct from @Indicator then a.effectiveness end,
                       updated_at = now()
                where a.id = @id and {InScope}
                returning {Columns}
                """, p, tx, cancellationToken: ct));
            if (updated is null) return (UpdateOutcome.NotFound, null);
            if (alsoInTransaction is not null) await alsoInTransaction(updated, conn, tx);
            await tx.CommitAsync(ct);
            return (UpdateOutcome.Updated, updated);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return (UpdateOutcome.Conflict, null);
        }
    }

    /// <summary>The import's write: one statement for the whole file; an existing (rep, period, problem) is updated.</summary>
    /// <param name="alsoInTransaction">more work of the same unit (the follow-up jobs); when it throws, nothing is kept</param>
    public async Task<IReadOnlyList<ActionRecord>> UpsertManyAsync(IReadOnlyList<ActionFields> rows, CancellationToken ct,
        Func<IReadOnlyList<ActionRecord>, NpgsqlConnection, NpgsqlTransaction, Task>? alsoInTransaction = null)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var result = (await conn.QueryAsync<ActionRecord>(new CommandDefinition($"""
            insert into reporting.improvement_action as a(rep_id, period, problem, root_cause, cause_category, action, owner_name,
                   owner_email, due_on, checkpoint_on, support_needed, indicator)
            select * from unnest(@reps, @periods, @problems, @causes, @categories, @actions, @owners, @emails, @dues, @checkpoints::date[],
                                 @supports::text[], @indicators::text[])
            on conflict (rep_id, period, problem) do update set
                root_cause = excluded.root_cause, cause_category = excluded.cause_category, action = excluded.action,
                owner_name = excluded.owner_name, owner_email = excluded.owner_email, due_on = excluded.due_on,
                checkpoint_on = excluded.checkpoint_on, support_needed = excluded.support_needed,
                indicator = coalesce(excluded.indicator, a.indicator),
                -- a verdict belongs to the dates and indicator it was drawn from
                effectiveness = case when a.due_on = excluded.due_on
                                      and a.indicator is not distinct from coalesce(excluded.indicator, a.indicator) then a.effectiveness end,
                updated_at = now()
            returning {Columns}
            """, new
        {
            reps = rows.Select(r => r.RepId).ToArray(),
            periods = rows.Select(r => r.Period).ToArray(),
            problems = rows.Select(r => r.Problem).ToArray(),
            causes = rows.Select(r => r.RootCause).ToArray(),
            categories = rows.Select(r => r.CauseCategory).ToArray(),
            actions = rows.Select(r => r.Action).ToArray(),
            owners = rows.Select(r => r.OwnerName).ToArray(),
            emails = rows.Select(r => r.OwnerEmail).ToArray(),
            dues = rows.Select(r => r.DueOn).ToArray(),
            checkpoints = rows.Select(r => r.CheckpointOn).ToArray(),
            supports = rows.Select(r => r.SupportNeeded).ToArray(),
            indicators = rows.Select(r => r.Indicator).ToArray(),
        }, tx, cancellationToken: ct))).ToList();
        if (alsoInTransaction is not null) await alsoInTransaction(result, conn, tx);
        await tx.CommitAsync(ct);
        return result;
    }

    public async Task<ActionNote?> AddNoteAsync(AccessScope scope, long actionId, string note, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<ActionNote>(new CommandDefinition($"""
            insert into reporting.action_note(action_id, note, written_by)
            select a.id, @note, @by from reporting.improvement_action a where a.id = @id and {InScope}
            returning id, action_id, note, written_by, written_at
            """, Args(scope, new { id = actionId, note, by = scope.Name }), cancellationToken: ct));
    }

    public async Task<IReadOnlyList<ActionNote>> NotesAsync(long actionId, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<ActionNote>(new CommandDefinition(
            "select id, action_id, note, written_by, written_at from reporting.action_note where action_id = @actionId order by written_at, id",
            new { actionId }, cancellationToken: ct))).ToList();
    }

    /// <summary>A person's reason replaces the automatic draft on the form.</summary>
    public async Task<AnomalyReason> SetReasonAsync(DateOnly period, string repId, string indicator, string reason, string writtenBy, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await conn.QuerySingleAsync<AnomalyReason>(new CommandDefinition("""
            insert into reporting.anomaly_reason(period, rep_id, indicator, reason, written_by)
            values (@period, @repId, @indicator, @reason, @writtenBy)
            on conflict (period, rep_id, indicator) do update set reason = excluded.reason, written_by = excluded.written_by, written_at = now()
            returning period, rep_id, indicator, reason, written_by, written_at
            """, new { period, repId, indicator, reason, writtenBy }, cancellationToken: ct));
    }

    public async Task<bool> DeleteReasonAsync(DateOnly period, string repId, string indicator, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(
            "delete from reporting.anomaly_reason where period = @period and rep_id = @repId and indicator = @indicator",
            new { period, repId, indicator }, cancellationToken: ct)) > 0;
    }

    public async Task<IReadOnlyList<AnomalyReason>> ReasonsAsync(AccessScope scope, DateOnly? period, string? repId, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<AnomalyReason>(new CommandDefinition($"""
            select a.period, a.rep_id, a.indicator, a.reason, a.written_by, a.written_at from reporting.anomaly_reason a
            where {InScope} and (@period::date is null or a.period = @period) and (@rep_id::text is null or a.rep_id = @rep_id)
            order by a.period, a.rep_id, a.indicator
            """, Args(scope, new { period, rep_id = repId }), cancellationToken: ct))).ToList();
    }

    /// <summary>Writes many reasons at once (the import); all or nothing.</summary>
    public async Task<int> SetReasonsAsync(IReadOnlyList<(string RepId, DateOnly Period, string Indicator, string Reason)> rows, string writtenBy, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition("""
            insert into reporting.anomaly_reason(rep_id, period, indicator, reason, written_by)
            select r, p, i, t, @writtenBy from unnest(@reps, @periods, @indicators, @reasons) as u(r, p, i, t)
            on conflict (period, rep_id, indicator) do update set reason = excluded.reason, written_by = excluded.written_by, written_at = now()
            """, new
        {
            reps = rows.Select(r => r.RepId).ToArray(),
            periods = rows.Select(r => r.Period).ToArray(),
            indicators = rows.Select(r => r.Indicator).ToArray(),
            reasons = rows.Select(r => r.Reason).ToArray(),
            writtenBy,
        }, cancellationToken: ct));
    }
}
