using System.Globalization;
using Dapper;
using Npgsql;
using SalesReporting.Data.Findings;

namespace SalesReporting.Data.Indicators;

/// <summary>An enabled indicator of the catalog (reporting.indicator) as compute reads it.</summary>
internal sealed record CatalogIndicator(string Code, string NameZhCn, string NameZhTw, string NameEn, string Category, int SortOrder)
{
    /// <summary>The catalog's name in a team locale.</summary>
    public string Name(string locale) => TeamLocale.Pick(locale, NameZhCn, NameZhTw, NameEn);
}

public sealed record DerivedResult(int RepScores, int Anomalies, int TeamIssues, IReadOnlyList<ConfigWarning> Warnings)
{
    public override string ToString() =>
        $"{RepScores} rep scores, {Anomalies} anomalies, {TeamIssues} team-wide issues" +
        (Warnings.Count == 0 ? "" : $", {Warnings.Count} configuration warning(s): " + string.Join("; ", Warnings));
}

/// <summary>
/// What compute concludes from a month's indicator values (docs/indicators.md): rep scores and tiers, weight-set
/// warnings (Findings/WeightWarnings), anomalies with their reason drafts, and team-wide issues (Findings/TeamIssues). Every step is one statement (or one
/// per indicator family) for all reps, and the month's previous rows are replaced in one transaction, so a
/// recompute never leaves a mix of old and new conclusions.
/// </summary>
public static class DerivedFigures
{
    /// <summary>One (active rep, enabled indicator) of the month; a rep without any value comes once, with no indicator.</summary>
    private sealed class MonthRow
    {
        public string RepId { get; set; } = "";
        public string TeamId { get; set; } = "";
        /// <summary>False when the rep's team has no row: scored, but neither flagged nor counted in a team issue.</summary>
        public bool HasTeam { get; set; }
        public string? Locale { get; set; }
        public string? Indicator { get; set; }
        public string? Unit { get; set; }
        public decimal? Actual { get; set; }
        public decimal? Target { get; set; }
        public decimal? Completion { get; set; }
        public decimal? PreviousActual { get; set; }
        /// <summary>The anomaly rules that fire, comma-separated; empty when none does, null without a value.</summary>
        public string? Rules { get; set; }
    }

    /// <summary>
    /// The weights in force: a team is scored with its own set if it has any weight of its own, else with the
    /// company default '*' (the one rule, for scores and for the weight-set warnings).
    /// </summary>
    internal sealed class WeightSets
    {
        private readonly Dictionary<(string Set, string Indicator), decimal> weights;
        private readonly HashSet<string> own;

        public WeightSets(IEnumerable<(string TeamId, string Indicator, decimal Weight)> rows)
        {
            weights = rows.ToDictionary(w => (w.TeamId, w.Indicator), w => w.Weight);
            own = weights.Keys.Select(k => k.Set).ToHashSet(StringComparer.Ordinal);
        }

        public string SetOf(string teamId) => own.Contains(teamId) ? teamId : "*";
        public decimal Of(string teamId, string indicator) => weights.GetValueOrDefault((SetOf(teamId), indicator));
        public IEnumerable<(string Indicator, decimal Weight)> In(string set) =>
            weights.Where(w => w.Key.Set == set).Select(w => (w.Key.Indicator, w.Value));
    }

    /// <summary>
    /// Reads side by side (the month's values with the completion and MoM rules, and the z-score rule over
    /// the trailing months), then the reason drafts of what was flagged, then every row of the month replaced
    /// in one transaction.
    /// </summary>
    public static async Task<DerivedResult> ComputeAsync(NpgsqlDataSource reporting, Period period, string tz, CancellationToken ct)
    {
        var monthTask = ReadMonthAsync(reporting, period, ct);
        var zscoreTask = ReadZScoreFlagsAsync(reporting, period, ct);
        await Task.WhenAll(monthTask, zscoreTask);
        var month = await monthTask;
        var zscore = await zscoreTask;
        foreach (var row in month)
            if (row.Rules is not null && row.HasTeam && zscore.Contains((row.RepId, row.Indicator!)))
                row.Rules = row.Rules.Length == 0 ? "zscore" : row.Rules + ",zscore";
        var flagged = month.Where(r => !string.IsNullOrEmpty(r.Rules))
            .OrderBy(r => r.RepId, StringComparer.Ordinal).ThenBy(r => r.Indicator, StringComparer.Ordinal)
            .Select(f => new FlaggedIndicator(f.RepId, f.Indicator!, f.Unit!, TeamLocale.Of(f.Locale), f.Actual, f.Target, f.Completion,
                f.PreviousActual, f.Rules!.Split(',')))
            .ToList();
        var drafts = await AnomalyDrafts.WriteAsync(reporting, period, tz, flagged, ct);

        await using var session = await ComputeSession.BeginAsync(reporting, ct);
        var (conn, tx) = (session.Connection, session.Transaction);
        var args = new { period = period.Start };
        var settings = (await conn.QueryAsync<(string Key, string Value)>(new CommandDefinition(
            "select key, value from reporting.setting", transaction: tx, cancellationToken: ct))).ToDictionary(s => s.Key, s => s.Value);
        var cap = Setting(settings, "score_cap", Scoring.DefaultCap);
        var issueCompletion = Setting(settings, "team_issue_completion", 80m);
        var issueShare = Setting(settings, "team_issue_share", 0.5m);
        var catalog = (await conn.QueryAsync<CatalogIndicator>(new CommandDefinition(
                "select code, name_zh_cn, name_zh_tw, name_en, category, sort_order from reporting.indicator where enabled",
                transaction: tx, cancellationToken: ct)))
            .ToDictionary(c => c.Code, StringComparer.Ordinal);
        var weights = new WeightSets(await conn.QueryAsync<(string TeamId, string Indicator, decimal Weight)>(new CommandDefinition(
            "select team_id, indicator, weight from reporting.indicator_weight", transaction: tx, cancellationToken: ct)));

        await conn.ExecuteAsync(new CommandDefinition("""
            delete from reporting.rep_score where period = @period;
            delete from reporting.anomaly where period = @period;
            """, args, tx, cancellationToken: ct));
        var scores = await WriteRepScoresAsync(conn, tx, period, month, weights, cap, ct);
        var warnings = await WeightWarnings.WriteAsync(conn, tx, period,
            month.Where(r => r.HasTeam).DistinctBy(r => r.TeamId).Select(r => new WeightWarnings.Team(r.TeamId, TeamLocale.Of(r.Locale))), weights, catalog, ct);
        var anomalies = await WriteAnomaliesAsync(conn, period, flagged, drafts, ct);
        var issues = await TeamIssues.WriteAsync(conn, tx, period,
            month.Where(r => r.Completion is not null && r.HasTeam)
                .Select(r => new TeamIssues.Completion(r.TeamId, TeamLocale.Of(r.Locale), r.Indicator!, r.Completion!.Value)),
            catalog, issueCompletion, issueShare, ct);
        await tx.CommitAsync(ct);
        return new DerivedResult(scores, anomalies, issues, warnings);
    }

    internal static decimal Setting(Dictionary<string, string> settings, string key, decimal fallback)
    {
        if (!settings.TryGetValue(key, out var text)) return fallback;
        return decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) && value >= 0 ? value
            : throw new InvalidOperationException($"reporting.setting '{key}' is '{text}': expected a non-negative number such as {fallback.ToString(CultureInfo.InvariantCulture)}.");
    }

    /// <summary>
    /// Every active rep with every enabled indicator of the month (target, completion, last month), with the
    /// completion and month-on-month rules applied at each indicator's thresholds.
    /// </summary>
    private static async Task<List<MonthRow>> ReadMonthAsync(NpgsqlDataSource reporting, Period period, CancellationToken ct)
    {
        await using var session = await ComputeSession.BeginAsync(reporting, ct);
        return (await session.Connection.QueryAsync<MonthRow>(new CommandDefinition("""
            select r.rep_id, r.team_id, t.team_id is not null as has_team, t.locale, x.indicator, x.unit,
                   x.actual, x.target, x.completion, x.previous_actual,
                   case when x.actual is not null and t.team_id is not null then array_to_string(array[
                     case when x.completion < i.anomaly_completion_below then 'completion' end,
                     case when (case when x.direction = 'lower' then x.mom else -x.mom end)
                               >= (case when x.unit = 'percent' then i.anomaly_mom_drop_points else i.anomaly_mom_drop_percent end)
                          then 'mom' end], ',') end as rules
            from staging.reps r
            left join staging.teams t on t.team_id = r.team_id
            left join (reporting.indicator_result_of(@period) x join reporting.indicator i on i.code = x.indicator and i.enabled)
                 on x.rep_id = r.rep_id
            where r.active
            """, new { period = period.Start }, session.Transaction, cancellationToken: ct))).ToList();
    }

    /// <summary>
    /// The (rep, indicator) pairs of the month the z-score rule flags: |actual − mean| ÷ sample standard
    /// deviation ≥ anomaly_z over the trailing anomaly_z_months that have a value, when at least
    /// anomaly_z_min_months do. With no spread (all equal) there is no z-score and only the other rules can flag.
    /// </summary>
    private static async Task<HashSet<(string RepId, string Indicator)>> ReadZScoreFlagsAsync(NpgsqlDataSource reporting, Period period,
        CancellationToken ct)
    {
        await using var session = await ComputeSession.BeginAsync(reporting, ct);
        return (await session.Connection.QueryAsync<(string RepId, string Indicator)>(new CommandDefinition("""
            -- Each indicator's trailing window and the month itself, read through the month-leading key and grouped in one
            -- pass: the month's value beside its window's count, mean and spread, not looked up again row by row.
            with win as (
              select code, (@period - make_interval(months => anomaly_z_months))::date as since, anomaly_z, anomaly_z_min_months
              from reporting.indicator where enabled and anomaly_z is not null),
            hist as (
              select h.rep_id, h.indicator, w.anomaly_z, w.anomaly_z_min_months,
                     count(h.actual) filter (where h.period < @period) as n,
                     avg(h.actual) filter (where h.period < @period) as mean,
                     stddev_samp(h.actual) filter (where h.period < @period) as sd,
                     max(h.actual) filter (where h.period = @period) as actual
              from reporting.indicator_value h
              join win w on w.code = h.indicator and h.period >= w.since
              where h.period >= (select min(since) from win) and h.period <= @period and h.actual is not null
              group by h.rep_id, h.indicator, w.anomaly_z, w.anomaly_z_min_months)
            select rep_id, indicator from hist
            where actual is not null and n >= anomaly_z_min_months and sd > 0 and abs(actual - mean) / sd >= anomaly_z
            """, new { period = period.Start }, session.Transaction, cancellationToken: ct))).ToHashSet();
    }

    /// <summary>
    /// The form's own answer (Scoring.WeightedScore over the team's weight set if it has one, else the
    /// company default '*') for every active rep.
    /// </summary>
    private static async Task<int> WriteRepScoresAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Period period, List<MonthRow> month,
        WeightSets weights, decimal cap, CancellationToken ct)
    {
        var reps = month.GroupBy(r => r.RepId, StringComparer.Ordinal).Select(g =>
        {
            var score = Scoring.WeightedScore(g.Select(r => (r.Indicator is null ? 0 : weights.Of(r.TeamId, r.Indicator), r.Completion)), cap);
            return (RepId: g.Key, g.First().TeamId, Score: score, Tier: Scoring.Tier(score));
        }).ToList();
        return await conn.ExecuteAsync(new CommandDefinition("""
            insert into reporting.rep_score(period, rep_id, team_id, score, tier)
            select @period, s.rep_id, s.team_id, s.score, s.tier
            from unnest(@reps::text[], @teams::text[], @scores::numeric[], @tiers::text[]) s(rep_id, team_id, score, tier)
            """, new
        {
            period = period.Start, reps = reps.Select(r => r.RepId).ToArray(), teams = reps.Select(r => r.TeamId).ToArray(),
            scores = reps.Select(r => r.Score).ToArray(), tiers = reps.Select(r => r.Tier).ToArray(),
        }, tx, cancellationToken: ct));
    }

    /// <summary>The flagged (rep, indicator) pairs of the month with their reason drafts, written in one COPY.</summary>
    private static async Task<int> WriteAnomaliesAsync(NpgsqlConnection conn, Period period, List<FlaggedIndicator> flagged,
        IReadOnlyList<string> drafts, CancellationToken ct)
    {
        await using var copy = await conn.BeginBinaryImportAsync(
            "copy reporting.anomaly(period, rep_id, indicator, rules, draft) from stdin (format binary)", ct);
        for (var i = 0; i < flagged.Count; i++)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(period.Start, NpgsqlTypes.NpgsqlDbType.Date, ct);
            await copy.WriteAsync(flagged[i].RepId, NpgsqlTypes.NpgsqlDbType.Text, ct);
            await copy.WriteAsync(flagged[i].Indicator, NpgsqlTypes.NpgsqlDbType.Text, ct);
            await copy.WriteAsync(flagged[i].Rules, NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, ct);
            await copy.WriteAsync(drafts[i], NpgsqlTypes.NpgsqlDbType.Text, ct);
        }
        return (int)await copy.CompleteAsync(ct);
    }
}
