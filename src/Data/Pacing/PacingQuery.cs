using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using SalesReporting.Data.Indicators;

namespace SalesReporting.Data.Pacing;

/// <summary>Section "Pacing": the weekly pacing email (docs/jobs.md, "Weekly pacing").</summary>
public sealed class PacingOptions
{
    public const string Section = "Pacing";

    /// <summary>Company holidays (YYYY-MM-DD) that are not working days although they fall on a weekday.</summary>
    public List<string> Holidays { get; set; } = [];

    /// <summary>Weekend days (YYYY-MM-DD) that are working days: the make-up days (调休) around a holiday.</summary>
    public List<string> WorkingWeekendDays { get; set; } = [];

    /// <summary>A rep whose projected month-end completion of a paced indicator is below this is named at the top.</summary>
    [Range(1, 200)] public decimal AtRiskBelowPercent { get; set; } = 80m;

    /// <summary>What is wrong with the two lists, naming the entry; nothing when both are dates.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (name, list) in new[] { ("Holidays", Holidays), ("WorkingWeekendDays", WorkingWeekendDays) })
            for (var i = 0; i < list.Count; i++)
                if (!DateOnly.TryParseExact(list[i], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                    yield return $"Pacing:{name}:{i} '{list[i]}' is not a date: expected YYYY-MM-DD, for example 2026-10-01.";
        for (var i = 0; i < WorkingWeekendDays.Count; i++)
            if (DateOnly.TryParseExact(WorkingWeekendDays[i], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                && d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                yield return $"Pacing:WorkingWeekendDays:{i} {WorkingWeekendDays[i]} is a {d.DayOfWeek}, not a weekend day; weekdays are working days already.";
    }

    public WorkingCalendar Calendar() => new(
        Holidays.Select(Parse).ToHashSet(),
        WorkingWeekendDays.Select(Parse).ToHashSet());

    private static DateOnly Parse(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>Working days: Monday to Friday except the company's holidays, and the weekend days it works.</summary>
public sealed class WorkingCalendar(IReadOnlySet<DateOnly> holidays, IReadOnlySet<DateOnly> workingWeekendDays)
{
    public bool IsWorkingDay(DateOnly day) =>
        workingWeekendDays.Contains(day) || (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !holidays.Contains(day));

    /// <summary>Working days from <paramref name="from"/> to <paramref name="to"/>, both included; 0 when to is before from.</summary>
    public int Count(DateOnly from, DateOnly to)
    {
        var n = 0;
        for (var d = from; d <= to; d = d.AddDays(1))
            if (IsWorkingDay(d)) n++;
        return n;
    }
}

/// <summary>An indicator that is paced: additive (amounts and counts) with a target, its names in three locales.</summary>
public sealed record PacedIndicator(string Code, string NameZhCn, string NameZhTw, string NameEn, string Unit)
{
    public string Name(string? locale) => TeamLocale.Pick(locale, NameZhCn, NameZhTw, NameEn);
}

/// <param name="Actual">month to date, through <see cref="TeamPacing.Through"/></param>
/// <param name="ProRatedTarget">the month's target × working days elapsed ÷ working days of the month</param>
/// <param name="Pace">completion of the pro-rated target so far</param>
/// <param name="Projection">the actual carried on at the same pace to the month's last working day</param>
/// <param name="ProjectedCompletion">the projection's completion of the month's target</param>
public sealed record PacingLine(string RepId, string RepName, string Indicator, decimal Actual, decimal? Target,
    decimal? ProRatedTarget, decimal? Pace, decimal? Projection, decimal? ProjectedCompletion);

/// <summary>One team's month to date, for its manager's weekly pacing email.</summary>
public sealed record TeamPacing(string TeamId, string TeamName, string? ManagerName, string ManagerEmail, string Locale,
    Period Month, DateOnly Through, int WorkingDaysElapsed, int WorkingDays, IReadOnlyList<PacedIndicator> Indicators,
    IReadOnlyList<PacingLine> Lines, decimal AtRiskBelowPercent)
{
    /// <summary>Reps with a projected completion below the line on any paced indicator, the lowest first, with those indicators.</summary>
    public IReadOnlyList<(string RepId, string RepName, IReadOnlyList<PacingLine> Lines)> AtRisk =>
        Lines.Where(l => l.ProjectedCompletion < AtRiskBelowPercent)
            .GroupBy(l => (l.RepId, l.RepName))
            .Select(g => (g.Key.RepId, g.Key.RepName, (IReadOnlyList<PacingLine>)g.OrderBy(l => l.ProjectedCompletion).ToList()))
            .OrderBy(r => r.Item3[0].ProjectedCompletion).ThenBy(r => r.RepId, StringComparer.Ordinal).ToList();
}

/// <summary>The figures of all teams as of one day, and the indicators that could not be read.</summary>
public sealed record PacingResult(DateOnly AsOf, Period Month, DateOnly Through, IReadOnlyList<TeamPacing> Teams, IReadOnlyList<IndicatorError> Errors);

/// <summary>
/// Weekly pacing (issue "every cycle"): for the month that holds the day before <c>asOf</c>, each rep's month-to-date
/// actual of every paced indicator — the catalog's additive indicators with a target (amounts and counts), its key ones
/// when it marks any — against the month's target pro-rated by working days elapsed, and the projection to the month's
/// end at the same pace. The catalog queries run as compute runs them (read-only, under the statement timeout), with
/// the month-to-date as their period; nothing is written. Completion is reporting.completion, as everywhere.
/// Teams without a manager's address, and teams that opted out (team_setting.weekly_pacing), are left out.
/// </summary>
public sealed class PacingQuery(Databases db, IOptions<CompanyOptions> company, IOptions<IndicatorOptions> indicatorOptions,
    IOptions<PacingOptions> options, ILogger<PacingQuery> logger)
{
    public async Task<PacingResult> LoadAsync(DateOnly asOf, string? teamId, CancellationToken ct)
    {
        var through = asOf.AddDays(-1);
        var month = Period.FromDate(through);
        var calendar = options.Value.Calendar();
        var elapsed = calendar.Count(month.Start, through);
        var total = calendar.Count(month.Start, month.End);

        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        var catalog = (await conn.QueryAsync<(string Code, string NameZhCn, string NameZhTw, string NameEn, string Unit, string Query, bool Key)>(new CommandDefinition("""
            select code, name_zh_cn, name_zh_tw, name_en, unit, query, summary_order is not null
            from reporting.indicator
            where enabled and missing_as = 'zero' and has_target
            order by summary_order nulls last, sort_order, code
            """, cancellationToken: ct))).ToList();
        if (catalog.Any(i => i.Key)) catalog = catalog.Where(i => i.Key).ToList();

        var errors = new List<IndicatorError>();
        var reps = new List<string>();
        var codes = new List<string>();
        var values = new List<decimal>();
        var paced = new List<PacedIndicator>();
        foreach (var i in catalog)
        {
            try
            {
                foreach (var (rep, value) in await MonthToDateAsync(conn, i.Query, month, through, ct))
                {
                    reps.Add(rep);
                    codes.Add(i.Code);
                    values.Add(value);
                }
                paced.Add(new PacedIndicator(i.Code, i.NameZhCn, i.NameZhTw, i.NameEn, i.Unit));
            }
            catch (PostgresException ex)
            {
                var error = IndicatorCompute.Describe(ex, indicatorOptions.Value.QueryTimeoutSeconds);
                logger.LogError("Pacing: indicator {Indicator} failed for {Month} through {Through}: {Error}", i.Code, month, through, error);
                errors.Add(new IndicatorError(i.Code, error));
            }
        }

        var rows = (await conn.QueryAsync<TeamRow>(new CommandDefinition($"""
            with a as (select * from unnest(@reps, @codes, @values) as a(rep_id, indicator, actual)),
            i as (select * from unnest(@paced) with ordinality as i(code, n)),
            l as (
              select t.team_id, t.name as team_name, t.manager_name, t.manager_email, {TeamLocale.Sql} as locale,
                     r.rep_id, r.name as rep_name, i.code as indicator, i.n, ind.direction,
                     coalesce(a.actual, 0) as actual, tg.target,
                     tg.target * @elapsed / nullif(@total, 0) as pro_rated,
                     case when @elapsed > 0 then coalesce(a.actual, 0) * @total / @elapsed end as projection
              from staging.reps r
              join staging.teams t on t.team_id = r.team_id
              left join reporting.team_setting s on s.team_id = t.team_id
              cross join i
              join reporting.indicator ind on ind.code = i.code
              left join a on a.rep_id = r.rep_id and a.indicator = i.code
              left join reporting.target tg on tg.rep_id = r.rep_id and tg.period = @month and tg.indicator = i.code
              where r.active and t.manager_email is not null and coalesce(s.weekly_pacing, @defaultWeeklyPacing)
                and (@allTeams or t.team_id = @teamId))
            select team_id, team_name, manager_name, manager_email, locale, rep_id, rep_name, indicator, actual, target, pro_rated,
                   reporting.completion(actual, pro_rated, direction) as pace, projection,
                   reporting.completion(projection, target, direction) as projected_completion
            from l
            order by team_id, rep_id, n
            """, Teams.TeamSettings.DefaultParameters(new
            {
                reps = reps.ToArray(), codes = codes.ToArray(), values = values.ToArray(),
                paced = paced.Select(p => p.Code).ToArray(),
                elapsed = (decimal)elapsed, total = (decimal)total, month = month.Start,
                allTeams = teamId is null, teamId = teamId ?? "",
            }), cancellationToken: ct))).ToList();

        var teams = rows.GroupBy(r => r.TeamId, StringComparer.Ordinal).Select(g =>
        {
            var first = g.First();
            return new TeamPacing(first.TeamId, first.TeamName, first.ManagerName, first.ManagerEmail, first.Locale, month, through,
                elapsed, total, paced,
                g.Select(r => new PacingLine(r.RepId, r.RepName, r.Indicator, r.Actual, r.Target, r.ProRated, r.Pace, r.Projection, r.ProjectedCompletion)).ToList(),
                options.Value.AtRiskBelowPercent);
        }).ToList();
        return new PacingResult(asOf, month, through, teams, errors);
    }

    private sealed record TeamRow(string TeamId, string TeamName, string? ManagerName, string ManagerEmail, string Locale, string RepId, string RepName,
        string Indicator, decimal Actual, decimal? Target, decimal? ProRated, decimal? Pace, decimal? Projection, decimal? ProjectedCompletion);

    /// <summary>One catalog query with the month to date as its period, read-only under the statement timeout; one row per rep.</summary>
    [SuppressMessage("Security", "CA2100", Justification = "The indicator query is catalog configuration run read-only with a timeout; its inputs are bound parameters.")]
    private async Task<List<(string RepId, decimal Value)>> MonthToDateAsync(NpgsqlConnection conn, string query, Period month, DateOnly through, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct); // rolled back when disposed: nothing is written
        await conn.ExecuteAsync(new CommandDefinition(IndicatorCompute.QuerySettings(indicatorOptions.Value.QueryTimeoutSeconds), transaction: tx, cancellationToken: ct));
        var parameters = new { period_start = month.Start, period_end = through, tz = company.Value.TimeZone };
        await IndicatorCompute.ColumnsAsync(conn, tx, query, parameters, null, ct);
        var rows = (await conn.QueryAsync<(string RepId, decimal? Value)>(new CommandDefinition(
            $"select q.rep_id::text, q.value::numeric from ({query}) q where q.rep_id is not null", parameters, tx, cancellationToken: ct))).ToList();
        if (rows.GroupBy(r => r.RepId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw IndicatorCompute.ReturnedTwice(twice.Key, twice.Count());
        return rows.Select(r => (r.RepId, r.Value ?? 0m)).ToList();
    }
}
