using Dapper;
using Npgsql;
using SalesReporting.Data.Indicators;

namespace SalesReporting.Data.Findings;

/// <summary>
/// 團隊共性問題: an indicator that at least <c>team_issue_share</c> of a team's reps complete below
/// <c>team_issue_completion</c> % (reporting.setting). Written by compute (<see cref="DerivedFigures"/>) in its
/// transaction, after the month's rep completions are read; the month's previous team issues are replaced.
/// </summary>
internal static class TeamIssues
{
    /// <summary>One active rep's completion of one enabled indicator, with the rep's team and its locale.</summary>
    public sealed record Completion(string TeamId, string Locale, string Indicator, decimal Value);

    /// <summary>
    /// Counted among the team's active reps that have a completion for the indicator (a rep with no target or no
    /// value can neither be below nor above it), so "half" is half of those.
    /// </summary>
    public static async Task<int> WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Period period, IEnumerable<Completion> completions,
        IReadOnlyDictionary<string, CatalogIndicator> catalog, decimal threshold, decimal share, CancellationToken ct)
    {
        // An indicator disabled since the month was read has no team issue.
        var issues = completions.Where(c => catalog.ContainsKey(c.Indicator))
            .GroupBy(c => (c.TeamId, c.Indicator))
            .Select(g => (g.Key.TeamId, g.First().Locale, Indicator: catalog[g.Key.Indicator],
                Reps: g.Count(), Below: g.Count(c => c.Value < threshold)))
            .Where(i => i.Below > 0 && i.Below >= share * i.Reps)
            .OrderBy(i => i.TeamId, StringComparer.Ordinal).ThenBy(i => i.Indicator.SortOrder).ThenBy(i => i.Indicator.Code, StringComparer.Ordinal)
            .ToList();
        var details = issues.Select(i =>
        {
            var t = FindingText.For(i.Locale);
            return t.F(t.TeamIssue, i.Indicator.Name(i.Locale), i.Reps, i.Below, DraftText.Weight(threshold));
        }).ToArray();
        await conn.ExecuteAsync(new CommandDefinition(
            "delete from reporting.finding where period = @period and kind = 'team_issue'", new { period = period.Start }, tx, cancellationToken: ct));
        return await conn.ExecuteAsync(new CommandDefinition("""
            insert into reporting.finding(period, team_id, kind, indicator, detail)
            select @period, f.team_id, 'team_issue', f.indicator, f.detail
            from unnest(@teams::text[], @indicators::text[], @details::text[]) f(team_id, indicator, detail)
            """, new
        {
            period = period.Start, teams = issues.Select(i => i.TeamId).ToArray(), indicators = issues.Select(i => i.Indicator.Code).ToArray(), details,
        }, tx, cancellationToken: ct));
    }
}
