using Dapper;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Data.Indicators;

namespace SalesReporting.Reports.Summary;

/// <summary>SQL → TeamSummary: everything the manager's summary of one team for one month shows.</summary>
public sealed class SummaryQuery(Databases db, TimeProvider clock, IOptions<CompanyOptions> company)
{
    /// <summary>Who receives a team's summary.</summary>
    public sealed record Recipient(string TeamId, string TeamName, string? ManagerName, string? ManagerEmail, string Locale);

    private sealed record TeamRow(string TeamId, string TeamName, string? Region, string? ManagerName, string? ManagerEmail, string? Locale);
    private sealed record IndicatorRow(string Code, string NameZhCn, string NameZhTw, string NameEn, string Unit);
    private sealed record RepRow(string RepId, string RepName, DateOnly? HireDate, decimal? StoredScore, string? StoredTier, bool Acknowledged);
    private sealed record ResultRow(string RepId, string Indicator, decimal? Completion);
    private sealed record FindingRow(string Kind, string? RepId, string? RepName, string? Indicator, string? Subject, string Detail,
        string? NameZhCn, string? NameZhTw, string? NameEn, bool? Verified, string? CheckNote, string? CheckedBy, DateTime? CheckedAt);
    private sealed record ActionRow(string RepId, string RepName, string Problem, string Action, string OwnerName, DateOnly DueOn);

    /// <summary>Whom a team's summary goes to; null when the team has no active rep (no summary then).</summary>
    public async Task<Recipient?> TeamAsync(string teamId, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        var t = await conn.QuerySingleOrDefaultAsync<TeamRow>(new CommandDefinition("""
            select t.team_id, t.name as team_name, t.region, t.manager_name, t.manager_email, t.locale
            from staging.teams t
            where t.team_id = @team and exists (select 1 from staging.reps r where r.team_id = t.team_id and r.active)
            """, new { team = teamId }, cancellationToken: ct));
        return t is null ? null : new Recipient(t.TeamId, t.TeamName, t.ManagerName, t.ManagerEmail, TeamLocale.Of(t.Locale));
    }

    public async Task<TeamSummary> LoadAsync(Period period, string teamId, CancellationToken ct)
    {
        var today = company.Value.Today(clock);
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        // The rep table's columns: the catalog's summary indicators (reporting.indicator.summary_order), custom ones included.
        var indicators = (await conn.QueryAsync<IndicatorRow>(new CommandDefinition("""
            select code, name_zh_cn, name_zh_tw, name_en, unit from reporting.indicator
            where enabled and summary_order is not null order by summary_order, code
            """, cancellationToken: ct))).ToList();
        var args = new { team = teamId, period = period.Start, today, codes = indicators.Select(i => i.Code).ToArray() };

        var team = await conn.QuerySingleOrDefaultAsync<TeamRow>(new CommandDefinition("""
            select team_id, name as team_name, region, manager_name, manager_email, locale from staging.teams where team_id = @team
            """, args, cancellationToken: ct))
            ?? throw new InvalidOperationException($"Team {teamId} is not in the staged CRM data; no summary for {period}.");
        var locale = TeamLocale.Of(team.Locale);

        // The score and tier compute stored (reporting.rep_score): the one answer the form and the follow-ups use too.
        var reps = (await conn.QueryAsync<RepRow>(new CommandDefinition("""
            select r.rep_id, r.name as rep_name, r.hire_date, s.score as stored_score, s.tier as stored_tier,
                   exists (select 1 from reporting.acknowledgement a where a.period = @period and a.rep_id = r.rep_id) as acknowledged
            from staging.reps r
            left join reporting.rep_score s on s.period = @period and s.rep_id = r.rep_id
            where r.team_id = @team and r.active
            order by r.rep_id
            """, args, cancellationToken: ct))).ToList();
        var results = (await conn.QueryAsync<ResultRow>(new CommandDefinition("""
            select x.rep_id, x.indicator, x.completion
            from reporting.indicator_result_of(@period) x
            join staging.reps r on r.rep_id = x.rep_id
            where x.indicator = any(@codes) and r.team_id = @team and r.active
            """, args, cancellationToken: ct))).ToLookup(r => r.RepId);
        var findings = (await conn.QueryAsync<FindingRow>(new CommandDefinition("""
            select f.kind, f.rep_id, r.name as rep_name, f.indicator, f.subject, f.detail, i.name_zh_cn, i.name_zh_tw, i.name_en,
                   s.verified, s.note as check_note, s.checked_by, s.checked_at
            from reporting.finding f left join staging.reps r on r.rep_id = f.rep_id
            left join reporting.indicator i on i.code = f.indicator
            -- the manager's spot check of a sampled visit (the workspace's team page), beside the sample
            left join reporting.spot_check_result s on f.kind = 'spot_check' and s.period = f.period and s.activity_id = f.subject and s.rep_id = f.rep_id
            -- '*': company-wide findings (an invoice whose rep and customer are both unknown), for every manager to see.
            where f.period = @period and f.team_id in (@team, '*')
            order by f.kind, f.rep_id nulls first, f.id
            """, args, cancellationToken: ct))).ToList();
        var overdue = (await conn.QueryAsync<ActionRow>(new CommandDefinition("""
            select a.rep_id, r.name as rep_name, a.problem, a.action, a.owner_name, a.due_on
            from reporting.improvement_action a join staging.reps r on r.rep_id = a.rep_id
            where r.team_id = @team and a.status = 'open' and a.due_on < @today and a.period <= @period
            order by a.due_on, a.rep_id, a.id
            """, args, cancellationToken: ct))).ToList();
        var quarantined = await conn.ExecuteScalarAsync<long?>(new CommandDefinition("""
            select rows_quarantined from staging.sync_run where finished_at is not null order by id desc limit 1
            """, cancellationToken: ct)) ?? 0;

        // Competition ranking (1, 2, 2, 4) on the score rounded as printed, so two reps shown with the same score share a rank.
        var printed = reps.Where(r => r.StoredScore is not null).Select(r => Scoring.Round1(r.StoredScore!.Value)).ToList();
        var rows = reps.Select(r =>
        {
            var tenure = NewHire.TenureMonth(r.HireDate, period);
            var isNewHire = NewHire.Is(r.HireDate, period);
            var completions = indicators.Select(i => results[r.RepId].FirstOrDefault(x => x.Indicator == i.Code)?.Completion).ToList();
            int? rank = r.StoredScore is { } score ? 1 + printed.Count(p => p > Scoring.Round1(score)) : null;
            return new SummaryRepRow(r.RepId, r.RepName, isNewHire, isNewHire ? tenure : null, completions, r.StoredScore, r.StoredTier, rank, r.Acknowledged);
        })
        .OrderBy(r => r.Rank ?? int.MaxValue).ThenBy(r => r.RepId, StringComparer.Ordinal).ToList();

        return new TeamSummary(locale, period, today, team.TeamId, team.TeamName, team.Region ?? "", team.ManagerName ?? "",
            indicators.Select(i => new SummaryIndicator(i.Code, TeamLocale.Pick(locale, i.NameZhCn, i.NameZhTw, i.NameEn), i.Unit)).ToList(),
            rows,
            findings.Select(f => new SummaryFinding(f.Kind, f.RepId, f.RepName, f.Indicator, f.Subject, f.Detail,
                f.NameZhCn is null ? null : TeamLocale.Pick(locale, f.NameZhCn, f.NameZhTw!, f.NameEn!),
                f.Verified is { } verified
                    ? new SpotCheckResult(verified, f.CheckNote, f.CheckedBy!, new DateTimeOffset(DateTime.SpecifyKind(f.CheckedAt!.Value, DateTimeKind.Utc)))
                    : null)).ToList(),
            overdue.Select(a => new OverdueAction(a.RepId, a.RepName, a.Problem, a.Action, a.OwnerName, a.DueOn, today.DayNumber - a.DueOn.DayNumber)).ToList(),
            quarantined);
    }

}
