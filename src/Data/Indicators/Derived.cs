using System.Globalization;
using Dapper;
using Npgsql;

namespace SalesReporting.Data.Indicators;

/// <param name="WeightSet">the team's own id when it has its own weights, "*" for the company default</param>
/// <param name="Kind">"weight_sum" (does not sum to 100) or "process_weight" (process indicators below 40)</param>
public sealed record ConfigWarning(string TeamId, string WeightSet, string Kind, decimal Total)
{
    public override string ToString() => Kind == "weight_sum"
        ? $"team {TeamId}: {(WeightSet == "*" ? "company default" : "team")} weights sum to {DraftText.Weight(Total)}, not 100"
        : $"team {TeamId}: process indicators weigh {DraftText.Weight(Total)} in total ({(WeightSet == "*" ? "company default" : "team")} weights), below {DerivedFigures.MinProcessWeight}";
}

public sealed record DerivedResult(int RepScores, int Anomalies, int TeamIssues, IReadOnlyList<ConfigWarning> Warnings)
{
    public override string ToString() =>
        $"{RepScores} rep scores, {Anomalies} anomalies, {TeamIssues} team-wide issues" +
        (Warnings.Count == 0 ? "" : $", {Warnings.Count} configuration warning(s): " + string.Join("; ", Warnings));
}

/// <summary>
/// What compute concludes from a month's indicator values (SPEC §4.1–4.2): rep scores and tiers, weight-set
/// warnings, anomalies with their reason drafts, and team-wide issues. Every step is one statement (or one
/// per indicator family) for all reps, and the month's previous rows are replaced in one transaction, so a
/// recompute never leaves a mix of old and new conclusions.
/// </summary>
public static class DerivedFigures
{
    public const decimal WeightTotal = 100;
    public const decimal MinProcessWeight = 40;

    private sealed record ScoreRow(string RepId, string TeamId, decimal? Weight, decimal? Completion);
    private sealed record WeightSetRow(string TeamId, string Locale, string WeightSet, decimal Total, decimal Process);
    private sealed record FlagRow(string RepId, string Indicator, string Unit, string Locale, decimal? Actual, decimal? Target,
        decimal? Completion, decimal? PreviousActual, string Rules);
    private sealed record TeamIssueRow(string TeamId, string Locale, string Indicator, string NameZhCn, string NameZhTw, string NameEn,
        long Reps, long Below);


    public static async Task<DerivedResult> ComputeAsync(NpgsqlConnection conn, Period period, string tz, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        var args = new { period = period.Start };
        var settings = (await conn.QueryAsync<(string Key, string Value)>(new CommandDefinition(
            "select key, value from reporting.setting", transaction: tx, cancellationToken: ct))).ToDictionary(s => s.Key, s => s.Value);
        var cap = Setting(settings, "score_cap", Scoring.DefaultCap);
        var issueCompletion = Setting(settings, "team_issue_completion", 80m);
        var issueShare = Setting(settings, "team_issue_share", 0.5m);

        await conn.ExecuteAsync(new CommandDefinition("""
            delete from reporting.rep_score where period = @period;
            delete from reporting.anomaly where period = @period;
            delete from reporting.finding where period = @period and kind in ('team_issue', 'config_warning');
            """, args, tx, cancellationToken: ct));

        var scores = await WriteRepScoresAsync(conn, tx, period, cap, ct);
        var warnings = await WriteWeightWarningsAsync(conn, tx, period, ct);
        var anomalies = await WriteAnomaliesAsync(conn, tx, period, tz, ct);
        var issues = await WriteTeamIssuesAsync(conn, tx, period, issueCompletion, issueShare, ct);
        await tx.CommitAsync(ct);
        return new DerivedResult(scores, anomalies, issues, warnings);
    }

    private static decimal Setting(Dictionary<string, string> settings, string key, decimal fallback)
    {
        if (!settings.TryGetValue(key, out var text)) return fallback;
        return decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) && value >= 0 ? value
            : throw new InvalidOperationException($"reporting.setting '{key}' is '{text}': expected a non-negative number such as {fallback.ToString(CultureInfo.InvariantCulture)}.");
    }

    /// <summary>
    /// The form's own answer (Scoring.WeightedScore over the weights FormQuery picks: the team's set if it
    /// has one, else the company default '*'), read for every active rep in one query.
    /// </summary>
    private static async Task<int> WriteRepScoresAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Period period, decimal cap, CancellationToken ct)
    {
        var rows = (await conn.QueryAsync<ScoreRow>(new CommandDefinition("""
            select r.rep_id, r.team_id, coalesce(tw.weight, dw.weight) as weight, x.completion
            from staging.reps r
            left join (reporting.indicator_result x join reporting.indicator i on i.code = x.indicator and i.enabled)
                 on x.rep_id = r.rep_id and x.period = @period
            left join reporting.indicator_weight tw on tw.team_id = r.team_id and tw.indicator = i.code
            left join reporting.indicator_weight dw on dw.team_id = '*' and dw.indicator = i.code
                 and not exists (select 1 from reporting.indicator_weight t2 where t2.team_id = r.team_id)
            where r.active
            """, new { period = period.Start }, tx, cancellationToken: ct))).ToList();
        var reps = rows.GroupBy(r => (r.RepId, r.TeamId)).Select(g =>
        {
            var score = Scoring.WeightedScore(g.Select(r => (r.Weight ?? 0, r.Completion)), cap);
            return (g.Key.RepId, g.Key.TeamId, Score: score, Tier: Scoring.Tier(score));
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

    /// <summary>
    /// Each team with active reps is checked against the weight set it is scored with; a team on the company
    /// default gets the default's warnings, since its managers are the ones who can give it its own set.
    /// Weights of disabled indicators are left out: they weigh nothing in any score.
    /// </summary>
    private static async Task<IReadOnlyList<ConfigWarning>> WriteWeightWarningsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Period period, CancellationToken ct)
    {
        var sets = await conn.QueryAsync<WeightSetRow>(new CommandDefinition($"""
            with teams as (
              select t.team_id, {TeamLocale.Sql} as locale,
                     case when exists (select 1 from reporting.indicator_weight w where w.team_id = t.team_id) then t.team_id else '*' end as weight_set
              from staging.teams t
              where exists (select 1 from staging.reps r where r.team_id = t.team_id and r.active))
            select s.team_id, s.locale, s.weight_set,
                   coalesce(sum(w.weight) filter (where i.code is not null), 0) as total,
                   coalesce(sum(w.weight) filter (where i.category = 'process'), 0) as process
            from teams s
            left join reporting.indicator_weight w on w.team_id = s.weight_set
            left join reporting.indicator i on i.code = w.indicator and i.enabled
            group by s.team_id, s.locale, s.weight_set
            order by s.team_id
            """, transaction: tx, cancellationToken: ct));
        var warnings = new List<(ConfigWarning Warning, string Detail)>();
        foreach (var s in sets)
        {
            var t = DraftText.For(s.Locale);
            var which = s.WeightSet == "*" ? t.DefaultWeights : t.TeamWeights;
            if (s.Total != WeightTotal)
                warnings.Add((new ConfigWarning(s.TeamId, s.WeightSet, "weight_sum", s.Total), t.F(t.WeightSum, DraftText.Weight(s.Total), which)));
            if (s.Process < MinProcessWeight)
                warnings.Add((new ConfigWarning(s.TeamId, s.WeightSet, "process_weight", s.Process),
                    t.F(t.ProcessWeight, DraftText.Weight(s.Process), DraftText.Weight(MinProcessWeight), which)));
        }
        await conn.ExecuteAsync(new CommandDefinition("""
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

    /// <summary>
    /// The rules of SPEC §4.2 with each indicator's thresholds, in one statement for all reps. The z-score uses
    /// the sample standard deviation of the trailing months that have a value; with no spread (all equal) it
    /// has no value and only the other rules can flag.
    /// </summary>
    private static async Task<int> WriteAnomaliesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Period period, string tz, CancellationToken ct)
    {
        var flagged = (await conn.QueryAsync<FlagRow>(new CommandDefinition($"""
            with cur as (
              select x.rep_id, x.indicator, x.unit, x.direction, x.actual, x.target, x.completion, x.mom, x.previous_actual,
                     i.anomaly_completion_below, i.anomaly_mom_drop_percent, i.anomaly_mom_drop_points,
                     i.anomaly_z, i.anomaly_z_months, i.anomaly_z_min_months, {TeamLocale.Sql} as locale
              from reporting.indicator_result x
              join reporting.indicator i on i.code = x.indicator and i.enabled
              join staging.reps r on r.rep_id = x.rep_id and r.active
              join staging.teams t on t.team_id = r.team_id
              where x.period = @period and x.actual is not null),
            hist as (
              select c.rep_id, c.indicator, count(h.actual) as n, avg(h.actual) as mean, stddev_samp(h.actual) as sd
              from cur c
              join reporting.indicator_value h on h.rep_id = c.rep_id and h.indicator = c.indicator and h.actual is not null
                and h.period >= (@period - make_interval(months => c.anomaly_z_months))::date and h.period < @period
              where c.anomaly_z is not null
              group by c.rep_id, c.indicator),
            flags as (
              select c.*, array_remove(array[
                       case when c.completion < c.anomaly_completion_below then 'completion' end,
                       case when (case when c.direction = 'lower' then c.mom else -c.mom end)
                                 >= (case when c.unit = 'percent' then c.anomaly_mom_drop_points else c.anomaly_mom_drop_percent end)
                            then 'mom' end,
                       case when h.n >= c.anomaly_z_min_months and h.sd > 0 and abs(c.actual - h.mean) / h.sd >= c.anomaly_z
                            then 'zscore' end], null) as rules
              from cur c left join hist h using (rep_id, indicator))
            select rep_id, indicator, unit, locale, actual, target, completion, previous_actual, array_to_string(rules, ',') as rules
            from flags where cardinality(rules) > 0
            order by rep_id, indicator
            """, new { period = period.Start }, tx, cancellationToken: ct)))
            .Select(f => new FlaggedIndicator(f.RepId, f.Indicator, f.Unit, f.Locale, f.Actual, f.Target, f.Completion, f.PreviousActual,
                f.Rules.Split(',')))
            .ToList();
        var drafts = await AnomalyDrafts.WriteAsync(conn, tx, period, tz, flagged, ct);
        return await conn.ExecuteAsync(new CommandDefinition("""
            insert into reporting.anomaly(period, rep_id, indicator, rules, draft)
            select @period, a.rep_id, a.indicator, string_to_array(a.rules, ','), a.draft
            from unnest(@reps::text[], @indicators::text[], @rules::text[], @drafts::text[]) a(rep_id, indicator, rules, draft)
            """, new
        {
            period = period.Start, reps = flagged.Select(f => f.RepId).ToArray(), indicators = flagged.Select(f => f.Indicator).ToArray(),
            rules = flagged.Select(f => string.Join(',', f.Rules)).ToArray(), drafts = drafts.ToArray(),
        }, tx, cancellationToken: ct));
    }

    /// <summary>
    /// 團隊共性問題: counted among the team's active reps that have a completion for the indicator (a rep
    /// with no target or no value can neither be below nor above it), so "half" is half of those.
    /// </summary>
    private static async Task<int> WriteTeamIssuesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Period period, decimal threshold,
        decimal share, CancellationToken ct)
    {
        var issues = (await conn.QueryAsync<TeamIssueRow>(new CommandDefinition($"""
            select r.team_id, {TeamLocale.Sql} as locale, i.code as indicator, i.name_zh_cn, i.name_zh_tw, i.name_en,
                   count(*) as reps, count(*) filter (where x.completion < @threshold) as below
            from reporting.indicator_result x
            join reporting.indicator i on i.code = x.indicator and i.enabled
            join staging.reps r on r.rep_id = x.rep_id and r.active
            join staging.teams t on t.team_id = r.team_id
            where x.period = @period and x.completion is not null
            group by r.team_id, t.locale, i.code, i.name_zh_cn, i.name_zh_tw, i.name_en, i.sort_order
            having count(*) filter (where x.completion < @threshold) > 0
               and count(*) filter (where x.completion < @threshold) >= @share * count(*)
            order by r.team_id, i.sort_order, i.code
            """, new { period = period.Start, threshold, share }, tx, cancellationToken: ct))).ToList();
        var details = issues.Select(i =>
        {
            var t = DraftText.For(i.Locale);
            var name = i.Locale switch { "zh-TW" => i.NameZhTw, "en" => i.NameEn, _ => i.NameZhCn };
            return t.F(t.TeamIssue, name, i.Reps, i.Below, DraftText.Weight(threshold));
        }).ToArray();
        return await conn.ExecuteAsync(new CommandDefinition("""
            insert into reporting.finding(period, team_id, kind, indicator, detail)
            select @period, f.team_id, 'team_issue', f.indicator, f.detail
            from unnest(@teams::text[], @indicators::text[], @details::text[]) f(team_id, indicator, detail)
            """, new
        {
            period = period.Start, teams = issues.Select(i => i.TeamId).ToArray(), indicators = issues.Select(i => i.Indicator).ToArray(), details,
        }, tx, cancellationToken: ct));
    }
}
