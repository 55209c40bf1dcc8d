using Dapper;

namespace SalesReporting.Data.Indicators;

/// <param name="Months">the actual of each month of the period, in order; null for a month without a value</param>
/// <param name="Weight">the indicator's weight in the rep's team's score (its own set, else the company default)</param>
public sealed record PeriodIndicator(string Code, string NameZhCn, string NameZhTw, string NameEn, string Unit, string Direction,
    int? SummaryOrder, decimal Weight, IReadOnlyList<decimal?> Months, decimal? Actual, decimal? Target, decimal? Completion)
{
    public string Name(string? locale) => TeamLocale.Pick(locale, NameZhCn, NameZhTw, NameEn);
}

/// <summary>An improvement action agreed in one of the period's months, with where it stands and its effectiveness verdict.</summary>
public sealed record PeriodAction(DateOnly Period, string Problem, string CauseCategory, string Action, string OwnerName, DateOnly DueOn,
    string Status, string? Effectiveness);

public sealed record MonthScore(Period Month, decimal? Score, string? Tier);

/// <summary>One rep's quarter or year: each indicator's months beside its total, the score and tier on the period's
/// completions, each month's score, and the period's actions.</summary>
public sealed record PeriodRepReview(RollupPeriod Period, string RepId, string RepName, string Email, string TeamId, string TeamName,
    string Locale, IReadOnlyList<PeriodIndicator> Indicators, decimal? Score, string? Tier, IReadOnlyList<MonthScore> MonthScores,
    IReadOnlyList<PeriodAction> Actions)
{
    /// <summary>Rank in the team by the period's score (1 = highest), set by <see cref="PeriodReviewQuery.LoadTeamAsync"/>.</summary>
    public int? Rank { get; init; }

    public IEnumerable<PeriodIndicator> KeyIndicators =>
        Indicators.Where(i => i.SummaryOrder is not null).OrderBy(i => i.SummaryOrder).ThenBy(i => i.Code, StringComparer.Ordinal);
}

/// <summary>A team's quarter or year for its manager: every active rep's review, ranked by score.</summary>
public sealed record PeriodTeamReview(RollupPeriod Period, string TeamId, string TeamName, string? ManagerName, string? ManagerEmail,
    string Locale, IReadOnlyList<PeriodRepReview> Reps);

/// <summary>
/// The quarter's and the year's figures per rep (<see cref="IndicatorRollup"/>): the roll-up of every enabled indicator
/// with each month beside the total, the weighted score and tier on the period's completions by the same rule and weights
/// as a month's (<see cref="Scoring"/>, the team's own weight set else the company default, capped at score_cap), the
/// months' own scores, and the actions agreed in the period with their verdicts.
/// </summary>
public sealed class PeriodReviewQuery(Databases db, IndicatorRollup rollup)
{
    private sealed record RepRow(string RepId, string Name, string Email, string TeamId, string TeamName, string? ManagerName, string? ManagerEmail, string Locale);

    private sealed record CatalogRow(string Code, string NameZhCn, string NameZhTw, string NameEn, string Unit, string Direction, int? SummaryOrder);

    /// <summary>The teams with active reps, in order: whom a quarter's or a year's close goes to.</summary>
    public async Task<IReadOnlyList<string>> TeamsAsync(CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<string>(new CommandDefinition(
            "select distinct team_id from staging.reps where active order by team_id", cancellationToken: ct))).ToList();
    }

    /// <summary>The team's active reps' reviews, ranked; null when the team has no active rep.</summary>
    public async Task<PeriodTeamReview?> LoadTeamAsync(RollupPeriod period, string teamId, CancellationToken ct)
    {
        List<RepRow> reps;
        List<CatalogRow> catalog;
        DerivedFigures.WeightSets weights;
        decimal cap;
        List<(string RepId, DateOnly Month, decimal? Score, string? Tier)> monthScores;
        List<(string RepId, PeriodAction Action)> actions;
        await using (var conn = await db.Reporting.OpenConnectionAsync(ct))
        {
            reps = (await conn.QueryAsync<RepRow>(new CommandDefinition($"""
                select r.rep_id, r.name, r.email, t.team_id, t.name as team_name, t.manager_name, t.manager_email, {TeamLocale.Sql} as locale
                from staging.reps r join staging.teams t on t.team_id = r.team_id
                where r.active and r.team_id = @teamId
                order by r.rep_id
                """, new { teamId }, cancellationToken: ct))).ToList();
            if (reps.Count == 0) return null;
            catalog = (await conn.QueryAsync<CatalogRow>(new CommandDefinition("""
                select code, name_zh_cn, name_zh_tw, name_en, unit, direction, summary_order
                from reporting.indicator where enabled order by sort_order, code
                """, cancellationToken: ct))).ToList();
            weights = new DerivedFigures.WeightSets(await conn.QueryAsync<(string TeamId, string Indicator, decimal Weight)>(new CommandDefinition(
                "select team_id, indicator, weight from reporting.indicator_weight", cancellationToken: ct)));
            var settings = (await conn.QueryAsync<(string Key, string Value)>(new CommandDefinition(
                "select key, value from reporting.setting", cancellationToken: ct))).ToDictionary(s => s.Key, s => s.Value);
            cap = DerivedFigures.Setting(settings, "score_cap", Scoring.DefaultCap);
            var ids = reps.Select(r => r.RepId).ToArray();
            monthScores = (await conn.QueryAsync<(string, DateOnly, decimal?, string?)>(new CommandDefinition(
                "select rep_id, period, score, tier from reporting.rep_score where rep_id = any(@ids) and period between @first and @last",
                new { ids, first = period.First.Start, last = period.Last.Start }, cancellationToken: ct))).ToList();
            actions = (await conn.QueryAsync<(string RepId, DateOnly Period, string Problem, string CauseCategory, string Action, string OwnerName, DateOnly DueOn, string Status, string? Effectiveness)>(new CommandDefinition("""
                select rep_id, period, problem, cause_category, action, owner_name, due_on, status, effectiveness
                from reporting.improvement_action
                where rep_id = any(@ids) and period between @first and @last
                order by period, due_on, id
                """, new { ids, first = period.First.Start, last = period.Last.Start }, cancellationToken: ct)))
                .Select(a => (a.RepId, new PeriodAction(a.Period, a.Problem, a.CauseCategory, a.Action, a.OwnerName, a.DueOn, a.Status, a.Effectiveness))).ToList();
        }

        var repIds = reps.Select(r => r.RepId).ToList();
        var lines = (await rollup.LoadAsync(period, repIds, ct)).ToDictionary(l => (l.RepId, l.Indicator));
        var months = (await rollup.MonthsAsync(period, repIds, ct)).ToDictionary(m => (m.RepId, m.Indicator, m.Month), m => m.Actual);
        var each = period.EachMonth.ToList();

        var reviews = reps.Select(r =>
        {
            var indicators = catalog.Select(c =>
            {
                lines.TryGetValue((r.RepId, c.Code), out var l);
                return new PeriodIndicator(c.Code, c.NameZhCn, c.NameZhTw, c.NameEn, c.Unit, c.Direction, c.SummaryOrder,
                    weights.Of(r.TeamId, c.Code),
                    each.Select(m => months.TryGetValue((r.RepId, c.Code, m.Start), out var v) ? v : (decimal?)null).ToList(),
                    l?.Actual, l?.Target, l?.Completion);
            }).ToList();
            var score = Scoring.WeightedScore(indicators.Select(i => (i.Weight, i.Completion)), cap);
            return new PeriodRepReview(period, r.RepId, r.Name, r.Email, r.TeamId, r.TeamName, r.Locale, indicators,
                score, Scoring.Tier(score),
                each.Select(m => monthScores.FirstOrDefault(s => s.RepId == r.RepId && s.Month == m.Start) is { RepId: not null } s
                    ? new MonthScore(m, s.Score, s.Tier) : new MonthScore(m, null, null)).ToList(),
                actions.Where(a => a.RepId == r.RepId).Select(a => a.Action).ToList());
        }).ToList();

        // Ranked by score, highest first; ties share a rank; no score, no rank.
        var ranked = reviews.Select(r => r with
        {
            Rank = r.Score is { } s ? 1 + reviews.Count(o => o.Score > s) : null,
        }).OrderBy(r => r.Rank ?? int.MaxValue).ThenBy(r => r.RepId, StringComparer.Ordinal).ToList();
        var first = reps[0];
        return new PeriodTeamReview(period, teamId, first.TeamName, first.ManagerName, first.ManagerEmail, first.Locale, ranked);
    }
}
