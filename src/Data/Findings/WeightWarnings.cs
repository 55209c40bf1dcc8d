using Dapper;
using Npgsql;
using SalesReporting.Data.Indicators;

namespace SalesReporting.Data.Findings;

/// <param name="WeightSet">the team's own id when it has its own weights, "*" for the company default</param>
/// <param name="Kind">"weight_sum" (does not sum to 100) or "process_weight" (process indicators below 40)</param>
public sealed record ConfigWarning(string TeamId, string WeightSet, string Kind, decimal Total)
{
    public override string ToString() => Kind == WeightWarnings.WeightSum
        ? $"team {TeamId}: {(WeightSet == "*" ? "company default" : "team")} weights sum to {DraftText.Weight(Total)}, not {WeightWarnings.WeightTotal}"
        : $"team {TeamId}: process indicators weigh {DraftText.Weight(Total)} in total ({(WeightSet == "*" ? "company default" : "team")} weights), below {WeightWarnings.MinProcessWeight}";
}

/// <summary>
/// 配置提醒, the weight-set rule of the guide: a set sums to 100, and process indicators weigh at least 40 in it. Checked
/// over the enabled indicators (a disabled one weighs nothing in any score) by compute for each team with active reps,
/// against the set the team is scored with — written as the month's config_warning findings in compute's transaction —
/// and by the catalog import for every set of the file (<c>CatalogStore</c>).
/// </summary>
public static class WeightWarnings
{
    public const decimal WeightTotal = 100;
    public const decimal MinProcessWeight = 40;
    public const string WeightSum = "weight_sum";
    public const string ProcessWeight = "process_weight";

    /// <summary>The rule: which of the two warnings a set with this total and this process weight gets.</summary>
    public static IEnumerable<string> Check(decimal total, decimal process)
    {
        if (total != WeightTotal) yield return WeightSum;
        if (process < MinProcessWeight) yield return ProcessWeight;
    }

    /// <summary>A team with active reps this month, and its locale (the language of the warning).</summary>
    internal sealed record Team(string TeamId, string Locale);

    /// <summary>
    /// Replaces the month's config_warning findings. Each team is checked against the weight set it is scored with; a
    /// team on the company default gets the default's warnings, since its managers are the ones who can give it its own set.
    /// </summary>
    internal static async Task<IReadOnlyList<ConfigWarning>> WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Period period,
        IEnumerable<Team> teams, DerivedFigures.WeightSets weights, IReadOnlyDictionary<string, CatalogIndicator> catalog, CancellationToken ct)
    {
        var warnings = new List<(ConfigWarning Warning, string Detail)>();
        foreach (var team in teams.OrderBy(t => t.TeamId, StringComparer.Ordinal))
        {
            var set = weights.SetOf(team.TeamId);
            var inForce = weights.In(set).Where(w => catalog.ContainsKey(w.Indicator)).ToList();
            var total = inForce.Sum(w => w.Weight);
            var process = inForce.Where(w => catalog[w.Indicator].Category == "process").Sum(w => w.Weight);
            var t = FindingText.For(team.Locale);
            var which = set == "*" ? t.DefaultWeights : t.TeamWeights;
            foreach (var kind in Check(total, process))
                warnings.Add(kind == WeightSum
                    ? (new ConfigWarning(team.TeamId, set, kind, total), t.F(t.WeightSum, DraftText.Weight(total), which))
                    : (new ConfigWarning(team.TeamId, set, kind, process), t.F(t.ProcessWeight, DraftText.Weight(process), DraftText.Weight(MinProcessWeight), which)));
        }
        await conn.ExecuteAsync(new CommandDefinition("""
            delete from reporting.finding where period = @period and kind = 'config_warning';
            insert into reporting.finding(period, team_id, kind, subject, detail)
            select @period, w.team_id, 'config_warning', w.subject, w.detail
            from unnest(@teams::text[], @subjects::text[], @details::text[]) w(team_id, subject, detail)
            """, new
        {
            period = period.Start, teams = warnings.Select(w => w.Warning.TeamId).ToArray(),
            subjects = warnings.Select(w => w.Warning.Kind).ToArray(), details = warnings.Select(w => w.Detail).ToArray(),
        }, tx, cancellationToken: ct));
        return warnings.Select(w => w.Warning).ToList();
    }
}
