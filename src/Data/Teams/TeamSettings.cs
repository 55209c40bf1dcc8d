using Dapper;
using Npgsql;

namespace SalesReporting.Data.Teams;

/// <summary>A team's own settings (reporting.team_setting): release after review (off by default; the forms go out by
/// themselves <see cref="ReleaseAfterDays"/> after month-end) and the weekly pacing email (on by default).</summary>
public sealed record TeamSetting(bool ReleaseAfterReview, int ReleaseAfterDays, bool WeeklyPacing)
{
    /// <summary>What a team that never changed a setting has.</summary>
    public static readonly TeamSetting Default = new(false, 3, true);
}

/// <summary>
/// The one place that reads and writes the teams' settings. Each setter writes only its own columns, so a manager
/// changing one setting never overwrites another changed at the same time; a team without a row has
/// <see cref="TeamSetting.Default"/>, which the queries that join the table read through <see cref="DefaultParameters"/>.
/// </summary>
public sealed class TeamSettings(Databases db)
{
    /// <summary>The defaults as query parameters (@defaultReleaseAfterReview, @defaultReleaseAfterDays, @defaultWeeklyPacing)
    /// for a query that left-joins reporting.team_setting and coalesces each column.</summary>
    public static DynamicParameters DefaultParameters(object? with = null)
    {
        var p = new DynamicParameters(with);
        p.Add("defaultReleaseAfterReview", TeamSetting.Default.ReleaseAfterReview);
        p.Add("defaultReleaseAfterDays", TeamSetting.Default.ReleaseAfterDays);
        p.Add("defaultWeeklyPacing", TeamSetting.Default.WeeklyPacing);
        return p;
    }

    public async Task<TeamSetting> GetAsync(string teamId, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<TeamSetting>(new CommandDefinition(
            "select release_after_review, release_after_days, weekly_pacing from reporting.team_setting where team_id = @teamId",
            new { teamId }, cancellationToken: ct)) ?? TeamSetting.Default;
    }

    /// <summary>Release after review on or off, and the days after which held forms go out by themselves.</summary>
    /// <param name="alsoInTransaction">more of the same unit (the workspace's change-log row)</param>
    public async Task SetReleaseAfterReviewAsync(string teamId, bool on, int days, string actor, CancellationToken ct,
        Func<NpgsqlConnection, NpgsqlTransaction, Task>? alsoInTransaction = null)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into reporting.team_setting(team_id, release_after_review, release_after_days, weekly_pacing, updated_by)
            values (@teamId, @on, @days, @defaultWeeklyPacing, @actor)
            on conflict (team_id) do update set release_after_review = excluded.release_after_review, release_after_days = excluded.release_after_days,
                updated_by = excluded.updated_by, updated_at = now()
            """, DefaultParameters(new { teamId, on, days, actor }), tx, cancellationToken: ct));
        if (alsoInTransaction is not null) await alsoInTransaction(conn, tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>The weekly pacing email on or off for the team.</summary>
    /// <param name="alsoInTransaction">more of the same unit (the workspace's change-log row)</param>
    public async Task SetWeeklyPacingAsync(string teamId, bool on, string actor, CancellationToken ct,
        Func<NpgsqlConnection, NpgsqlTransaction, Task>? alsoInTransaction = null)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into reporting.team_setting(team_id, release_after_review, release_after_days, weekly_pacing, updated_by)
            values (@teamId, @defaultReleaseAfterReview, @defaultReleaseAfterDays, @on, @actor)
            on conflict (team_id) do update set weekly_pacing = excluded.weekly_pacing, updated_by = excluded.updated_by, updated_at = now()
            """, DefaultParameters(new { teamId, on, actor }), tx, cancellationToken: ct));
        if (alsoInTransaction is not null) await alsoInTransaction(conn, tx);
        await tx.CommitAsync(ct);
    }
}
