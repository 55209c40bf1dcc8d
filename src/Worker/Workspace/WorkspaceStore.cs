using System.Text.Json;
using Dapper;
using Npgsql;
using SalesReporting.Data;

namespace SalesReporting.Worker.Workspace;

public sealed record RepRef(string RepId, string Name, string Email, string TeamId, string TeamName, string Locale, string? ManagerName, string? ManagerEmail);

public sealed record TeamRef(string TeamId, string Name, string Locale, string? ManagerName, string? ManagerEmail);

/// <param name="Written">the person's reason, null while the automatic draft stands</param>
public sealed record FlaggedIndicator(string Code, string Name, string Draft, string? Written, string? WrittenBy);

public sealed record Review(DateOnly? HeldOn, string? Notes, string? Agreed, string? SignedOffBy, DateTime? SignedOffAt, string UpdatedBy, DateTime UpdatedAt);

/// <param name="Kind">difficulty | support | action_comment | dispute</param>
public sealed record RepResponse(long Id, string RepId, string RepName, string Kind, long? ActionId, string? ActionProblem, string? Indicator,
    string Body, string? Progress, string WrittenBy, DateTime WrittenAt, string? Answer, string? AnsweredBy, DateTime? AnsweredAt);

public sealed record Change(long Id, DateTime At, string Actor, string What, string? Subject, string? Before, string? After);

/// <param name="Detail">the sampled visit as compute described it</param>
public sealed record SpotCheckSample(string ActivityId, string RepId, string RepName, string Detail, bool? Verified, string? Note, string? CheckedBy, DateTime? CheckedAt);

/// <summary>
/// What the workspace reads and writes besides the form itself. Every write records who, when, what, and the
/// value before and after in reporting.change_log, in the same transaction as the write.
/// </summary>
public sealed class WorkspaceStore(Databases db)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task<RepRef?> RepAsync(string repId, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<RepRef>(new CommandDefinition($"""
            select r.rep_id, r.name, r.email, r.team_id, t.name as team_name, {TeamLocale.Sql} as locale, t.manager_name, t.manager_email
            from staging.reps r join staging.teams t using (team_id) where r.rep_id = @repId
            """, new { repId }, cancellationToken: ct));
    }

    public async Task<TeamRef?> TeamAsync(string teamId, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<TeamRef>(new CommandDefinition($"""
            select t.team_id, t.name, {TeamLocale.Sql} as locale, t.manager_name, t.manager_email from staging.teams t where t.team_id = @teamId
            """, new { teamId }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<TeamRef>> TeamsAsync(IReadOnlyCollection<string>? teamIds, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<TeamRef>(new CommandDefinition($"""
            select t.team_id, t.name, {TeamLocale.Sql} as locale, t.manager_name, t.manager_email from staging.teams t
            where @all or t.team_id = any(@ids) order by t.team_id
            """, new { all = teamIds is null, ids = (teamIds ?? []).ToArray() }, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyList<string>> RepIdsAsync(string teamId, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<string>(new CommandDefinition("select rep_id from staging.reps where team_id = @teamId", new { teamId }, cancellationToken: ct))).ToList();
    }

    /// <summary>The months that have been computed, newest first.</summary>
    public async Task<IReadOnlyList<Period>> PeriodsAsync(CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<DateOnly>(new CommandDefinition(
            // The months one by one down the key (period, rep_id), newest first: 24 index probes instead of reading every score ever computed.
            """
            with recursive m(period) as (
                (select max(period) from reporting.rep_score)
                union all
                select (select max(s.period) from reporting.rep_score s where s.period < m.period) from m where m.period is not null)
            select period from m where period is not null limit 24
            """, cancellationToken: ct))).Select(Period.FromDate).ToList();
    }

    public async Task<IReadOnlyList<FlaggedIndicator>> FlaggedAsync(Period period, string repId, string locale, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<FlaggedIndicator>(new CommandDefinition("""
            select an.indicator as code,
                   case @locale when 'zh-TW' then i.name_zh_tw when 'en' then i.name_en else i.name_zh_cn end as name,
                   an.draft, ar.reason as written, ar.written_by
            from reporting.anomaly an
            join reporting.indicator i on i.code = an.indicator
            left join reporting.anomaly_reason ar on ar.period = an.period and ar.rep_id = an.rep_id and ar.indicator = an.indicator
            where an.period = @period and an.rep_id = @repId
            order by i.sort_order, i.code
            """, new { period = period.Start, repId, locale }, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyList<(string Code, string Name)>> IndicatorsAsync(string locale, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<(string, string)>(new CommandDefinition("""
            select code, case @locale when 'zh-TW' then name_zh_tw when 'en' then name_en else name_zh_cn end
            from reporting.indicator where enabled order by sort_order, code
            """, new { locale }, cancellationToken: ct))).ToList();
    }

    public async Task<Review?> ReviewAsync(Period period, string repId, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<Review>(new CommandDefinition("""
            select held_on, notes, agreed, signed_off_by, signed_off_at, updated_by, updated_at from reporting.review
            where period = @period and rep_id = @repId
            """, new { period = period.Start, repId }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<RepResponse>> ResponsesAsync(Period period, IReadOnlyCollection<string> repIds, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<RepResponse>(new CommandDefinition("""
            select x.id, x.rep_id, r.name as rep_name, x.kind, x.action_id, a.problem as action_problem, x.indicator, x.body, x.progress,
                   x.written_by, x.written_at, x.answer, x.answered_by, x.answered_at
            from reporting.rep_response x
            join staging.reps r on r.rep_id = x.rep_id
            left join reporting.improvement_action a on a.id = x.action_id
            where x.period = @period and x.rep_id = any(@repIds)
            order by x.written_at, x.id
            """, new { period = period.Start, repIds = repIds.ToArray() }, cancellationToken: ct))).ToList();
    }

    public async Task<RepResponse?> ResponseAsync(long id, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<RepResponse>(new CommandDefinition("""
            select x.id, x.rep_id, r.name as rep_name, x.kind, x.action_id, a.problem as action_problem, x.indicator, x.body, x.progress,
                   x.written_by, x.written_at, x.answer, x.answered_by, x.answered_at
            from reporting.rep_response x join staging.reps r on r.rep_id = x.rep_id
            left join reporting.improvement_action a on a.id = x.action_id
            where x.id = @id
            """, new { id }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<Change>> HistoryAsync(Period period, string repId, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Change>(new CommandDefinition("""
            select id, at, actor, what, subject, before::text as before, after::text as after from reporting.change_log
            where period = @period and rep_id = @repId order by at desc, id desc limit 200
            """, new { period = period.Start, repId }, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyList<SpotCheckSample>> SpotChecksAsync(Period period, string teamId, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<SpotCheckSample>(new CommandDefinition("""
            select f.subject as activity_id, f.rep_id, r.name as rep_name, f.detail, s.verified, s.note, s.checked_by, s.checked_at
            from reporting.finding f
            join staging.reps r on r.rep_id = f.rep_id
            left join reporting.spot_check_result s on s.period = f.period and s.activity_id = f.subject
            where f.period = @period and f.team_id = @teamId and f.kind = 'spot_check' and f.subject is not null
            order by f.rep_id, f.subject
            """, new { period = period.Start, teamId }, cancellationToken: ct))).ToList();
    }

    /// <summary>One write and its change-log row, in one transaction; the write returns (before, after) or null for "nothing to do".</summary>
    public async Task<T?> ChangeAsync<T>(string actor, Period period, string? repId, string? teamId, string what, string? subject,
        Func<NpgsqlConnection, NpgsqlTransaction, Task<(object? Before, object? After, T Result)?>> write, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var done = await write(conn, tx);
        if (done is null) return default;
        await LogAsync(conn, tx, actor, period, repId, teamId, what, subject, done.Value.Before, done.Value.After, ct);
        await tx.CommitAsync(ct);
        return done.Value.Result;
    }

    /// <summary>The change-log row of a write done in this transaction by another store (an action with its follow-ups).</summary>
    public static Task LogAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string actor, Period period, string? repId, string? teamId,
        string what, string? subject, object? before, object? after, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("""
            insert into reporting.change_log(actor, period, rep_id, team_id, what, subject, before, after)
            values (@actor, @period, @repId, @teamId, @what, @subject, @before::jsonb, @after::jsonb)
            """, new
        {
            actor, period = period.Start, repId, teamId, what, subject,
            before = before is null ? null : JsonSerializer.Serialize(before, Json),
            after = after is null ? null : JsonSerializer.Serialize(after, Json),
        }, tx, cancellationToken: ct));

    /// <summary>Records a change made through another store in a transaction of its own (a file uploaded, a team setting, a release,
    /// a form sent): after that change, so a failure between the two loses the row, never the change.</summary>
    public Task LogAsync(string actor, Period period, string? repId, string? teamId, string what, string? subject, object? before, object? after, CancellationToken ct) =>
        ChangeAsync<bool>(actor, period, repId, teamId, what, subject, (_, _) => Task.FromResult<(object?, object?, bool)?>((before, after, true)), ct);

    public Task<bool> SetReasonAsync(string actor, Period period, string repId, string indicator, string? reason, CancellationToken ct) =>
        ChangeAsync<bool>(actor, period, repId, null, reason is null ? "reason_cleared" : "reason", indicator, async (conn, tx) =>
        {
            var before = await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
                "select reason from reporting.anomaly_reason where period = @period and rep_id = @repId and indicator = @indicator for update",
                new { period = period.Start, repId, indicator }, tx, cancellationToken: ct));
            if (before == reason) return null;
            if (reason is null)
                await conn.ExecuteAsync(new CommandDefinition("delete from reporting.anomaly_reason where period = @period and rep_id = @repId and indicator = @indicator",
                    new { period = period.Start, repId, indicator }, tx, cancellationToken: ct));
            else
                await conn.ExecuteAsync(new CommandDefinition("""
                    insert into reporting.anomaly_reason(period, rep_id, indicator, reason, written_by) values (@period, @repId, @indicator, @reason, @actor)
                    on conflict (period, rep_id, indicator) do update set reason = excluded.reason, written_by = excluded.written_by, written_at = now()
                    """, new { period = period.Start, repId, indicator, reason, actor }, tx, cancellationToken: ct));
            return ((object?)new { reason = before }, (object?)new { reason }, true);
        }, ct);

    public Task<bool> SaveReviewAsync(string actor, Period period, string repId, DateOnly? heldOn, string? notes, string? agreed, CancellationToken ct) =>
        ChangeAsync<bool>(actor, period, repId, null, "one_on_one", null, async (conn, tx) =>
        {
            var before = await conn.QuerySingleOrDefaultAsync<Review>(new CommandDefinition("""
                select held_on, notes, agreed, signed_off_by, signed_off_at, updated_by, updated_at from reporting.review
                where period = @period and rep_id = @repId for update
                """, new { period = period.Start, repId }, tx, cancellationToken: ct));
            if (before is not null && before.HeldOn == heldOn && before.Notes == notes && before.Agreed == agreed) return null;
            await conn.ExecuteAsync(new CommandDefinition("""
                insert into reporting.review(period, rep_id, held_on, notes, agreed, updated_by) values (@period, @repId, @heldOn, @notes, @agreed, @actor)
                on conflict (period, rep_id) do update set held_on = excluded.held_on, notes = excluded.notes, agreed = excluded.agreed,
                    updated_by = excluded.updated_by, updated_at = now()
                """, new { period = period.Start, repId, heldOn, notes, agreed, actor }, tx, cancellationToken: ct));
            return ((object?)(before is null ? null : new { held_on = before.HeldOn, before.Notes, before.Agreed }),
                (object?)new { held_on = heldOn, notes, agreed }, true);
        }, ct);

    /// <summary>The manager signs the form off (銷售經理簽字); signing again keeps the first signature.</summary>
    public Task<bool> SignOffAsync(string actor, string signerName, Period period, string repId, CancellationToken ct) =>
        ChangeAsync<bool>(actor, period, repId, null, "sign_off", null, async (conn, tx) =>
        {
            var signed = await conn.ExecuteAsync(new CommandDefinition("""
                insert into reporting.review(period, rep_id, signed_off_by, signed_off_at, updated_by) values (@period, @repId, @signerName, now(), @actor)
                on conflict (period, rep_id) do update set signed_off_by = excluded.signed_off_by, signed_off_at = excluded.signed_off_at,
                    updated_by = excluded.updated_by, updated_at = now()
                where reporting.review.signed_off_at is null
                """, new { period = period.Start, repId, signerName, actor }, tx, cancellationToken: ct));
            return signed == 0 ? null : ((object?)null, (object?)new { signed_off_by = signerName }, true);
        }, ct);

    public Task<bool> AcknowledgeAsync(string actor, Period period, string repId, CancellationToken ct) =>
        ChangeAsync<bool>(actor, period, repId, null, "acknowledged", null, async (conn, tx) =>
        {
            var added = await conn.ExecuteAsync(new CommandDefinition("""
                insert into reporting.acknowledgement(period, rep_id, acknowledged_at) values (@period, @repId, now()) on conflict (period, rep_id) do nothing
                """, new { period = period.Start, repId }, tx, cancellationToken: ct));
            return added == 0 ? null : ((object?)null, (object?)new { acknowledged = true }, true);
        }, ct);

    public Task<long> AddResponseAsync(string actor, Period period, string repId, string kind, long? actionId, string? indicator, string body, string? progress, CancellationToken ct) =>
        ChangeAsync<long>(actor, period, repId, null, "response_" + kind, actionId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? indicator, async (conn, tx) =>
        {
            var id = await conn.ExecuteScalarAsync<long>(new CommandDefinition("""
                insert into reporting.rep_response(period, rep_id, kind, action_id, indicator, body, progress, written_by)
                values (@period, @repId, @kind, @actionId, @indicator, @body, @progress, @actor) returning id
                """, new { period = period.Start, repId, kind, actionId, indicator, body, progress, actor }, tx, cancellationToken: ct));
            return ((object?)null, (object?)new { id, kind, action_id = actionId, indicator, body, progress }, id);
        }, ct);

    public Task<bool> AnswerAsync(string actor, RepResponse response, Period period, string answer, CancellationToken ct) =>
        ChangeAsync<bool>(actor, period, response.RepId, null, "answer", response.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), async (conn, tx) =>
        {
            await conn.ExecuteAsync(new CommandDefinition(
                "update reporting.rep_response set answer = @answer, answered_by = @actor, answered_at = now() where id = @id",
                new { id = response.Id, answer, actor }, tx, cancellationToken: ct));
            return ((object?)(response.Answer is null ? null : new { answer = response.Answer }), (object?)new { answer }, true);
        }, ct);

    public Task<bool> RecordSpotCheckAsync(string actor, Period period, string teamId, SpotCheckSample sample, bool verified, string? note, CancellationToken ct) =>
        ChangeAsync<bool>(actor, period, sample.RepId, teamId, "spot_check", sample.ActivityId, async (conn, tx) =>
        {
            await conn.ExecuteAsync(new CommandDefinition("""
                insert into reporting.spot_check_result(period, activity_id, rep_id, verified, note, checked_by) values (@period, @activity, @rep, @verified, @note, @actor)
                on conflict (period, activity_id) do update set verified = excluded.verified, note = excluded.note, checked_by = excluded.checked_by, checked_at = now()
                """, new { period = period.Start, activity = sample.ActivityId, rep = sample.RepId, verified, note, actor }, tx, cancellationToken: ct));
            return ((object?)(sample.Verified is null ? null : new { verified = sample.Verified, note = sample.Note }), (object?)new { verified, note }, true);
        }, ct);
}
