using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace SalesReporting.Data.Indicators.Catalog;

/// <summary>What an import would change or changed, and what it warns of. <paramref name="Applied"/> is false when
/// nothing was written: no change, or warnings not accepted.</summary>
public sealed record CatalogImportResult(IReadOnlyList<string> Changes, IReadOnlyList<string> Warnings, bool Applied);

/// <summary>One indicator run for one month: the reps' rows (the first ones), how many there were, and the time.</summary>
public sealed record IndicatorTrial(string Code, string Unit, Period Period, IReadOnlyList<IndicatorTrialRow> Rows, long Reps, TimeSpan Time);

public sealed record IndicatorTrialRow(string? RepId, decimal? Value, decimal? Numerator, decimal? Denominator);

/// <summary>
/// Step 1 of the cycle without SQL (docs/indicators.md, "The catalog as a file"): the catalog exported as a file,
/// imported whole and checked whole in one transaction, and one indicator tried on a month writing nothing.
/// </summary>
public sealed class CatalogStore(Databases db, IOptions<CompanyOptions> company, IOptions<IndicatorOptions> options, IOptions<ImportOptions> limits, TimeProvider clock)
{
    /// <summary>The indicators whose query is the product's (sql/definitions/catalog): a file gives them none.</summary>
    public static IReadOnlySet<string> BuiltIn { get; } = Migrator.DefinitionFiles()
        .Where(f => f.Name.StartsWith("definitions/catalog/", StringComparison.Ordinal))
        .Select(f => Path.GetFileNameWithoutExtension(f.Name)).ToHashSet(StringComparer.Ordinal);

    public async Task<Catalog> ReadAsync(CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await ReadAsync(conn, null, ct);
    }

    private static async Task<Catalog> ReadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, CancellationToken ct)
    {
        var rows = await conn.QueryAsync(new CommandDefinition("""
            select code, name_zh_cn, name_zh_tw, name_en, category, unit, direction, missing_as, has_target, sort_order, summary_order, enabled,
                   anomaly_completion_below, anomaly_mom_drop_percent, anomaly_mom_drop_points, anomaly_z, anomaly_z_months, anomaly_z_min_months, query
            from reporting.indicator order by sort_order, code
            """, transaction: tx, cancellationToken: ct));
        var indicators = rows.Select(r => new CatalogEntry((string)r.code, (string)r.name_zh_cn, (string)r.name_zh_tw, (string)r.name_en, (string)r.category,
            (string)r.unit, (string)r.direction, (string)r.missing_as, (bool)r.has_target, (int)r.sort_order, (int?)r.summary_order, (bool)r.enabled,
            new AnomalyRules(Plain((decimal?)r.anomaly_completion_below), Plain((decimal?)r.anomaly_mom_drop_percent), Plain((decimal?)r.anomaly_mom_drop_points),
                Plain((decimal?)r.anomaly_z), (int)r.anomaly_z_months, (int)r.anomaly_z_min_months),
            BuiltIn.Contains((string)r.code) ? null : ((string)r.query).Trim('\n', '\r') + "\n")).ToList();
        var weights = (await conn.QueryAsync<(string Set, string Indicator, decimal Weight)>(new CommandDefinition(
                "select team_id, indicator, weight from reporting.indicator_weight order by team_id, indicator", transaction: tx, cancellationToken: ct)))
            .GroupBy(w => w.Set, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, decimal>)g.ToDictionary(w => w.Indicator, w => Plain(w.Weight)!.Value, StringComparer.Ordinal), StringComparer.Ordinal);
        return new Catalog(indicators, weights);
    }

    /// <summary>A stored numeric without the zeros of its scale (25.00 is 25), as a person writes it.</summary>
    private static decimal? Plain(decimal? d) => d is { } v ? decimal.Parse(v.ToString("G29", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : null;

    public async Task ExportAsync(string path, CancellationToken ct)
    {
        var text = CatalogFile.Write(await ReadAsync(ct));
        // Written whole or not at all: a file half written would import as a catalog missing its tail.
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, text, new System.Text.UTF8Encoding(false), ct);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// Checks the file whole against the catalog and the database, and applies it in one transaction when nothing is
    /// wrong and every warning is accepted. Errors refuse the file (<see cref="ImportRejectedException"/>).
    /// </summary>
    public async Task<CatalogImportResult> ImportAsync(string path, bool acceptWarnings, CancellationToken ct, string? encoding = null, bool dryRun = false)
    {
        var name = Path.GetFileName(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"File not found: {path}", path);
        if (Path.GetExtension(path).ToLowerInvariant() is not (".yaml" or ".yml"))
            throw new ImportRejectedException([new ImportError(name, 0, "", Path.GetExtension(path), "unsupported file type; a catalog is a .yaml file (indicators export writes one)")]);
        var length = new FileInfo(path).Length;
        if (length > limits.Value.MaxFileBytes)
            throw new ImportRejectedException([new ImportError(name, 0, "", "", $"the file is {length / 1048576.0:N1} MB; an import file may be at most {limits.Value.MaxFileMegabytes} MB (setting Import:MaxFileMegabytes)")]);
        var (text, _) = TextDecoding.Decode(await File.ReadAllBytesAsync(path, ct), name, encoding);
        var file = CatalogFile.Read(text, name);

        // A custom query must run on the last closed month, read-only, and return rep_id and value (each on its own
        // read-only transaction, before the catalog is locked: a slow query holds no lock).
        var lastClosed = Period.FromDate(company.Value.Today(clock)).Add(-1);
        var trialErrors = new List<ImportError>();
        foreach (var i in file.Indicators.Where(i => i.Query is not null && i.Enabled))
        {
            try
            {
                await TryAsync(i.Query!, lastClosed, 0, ct);
            }
            catch (PostgresException ex)
            {
                trialErrors.Add(new ImportError(name, 0, i.Code + ".query", "", $"the query fails on {lastClosed}, the last closed month: {IndicatorCompute.Describe(ex, options.Value.QueryTimeoutSeconds)}", RowName: "line"));
            }
        }

        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // One import at a time: a second waits here and then checks against what the first wrote.
        await conn.ExecuteAsync(new CommandDefinition("lock table reporting.indicator, reporting.indicator_weight in share row exclusive mode", transaction: tx, cancellationToken: ct));
        var current = await ReadAsync(conn, tx, ct);
        var teams = (await conn.QueryAsync<string>(new CommandDefinition("select team_id from staging.teams", transaction: tx, cancellationToken: ct))).ToHashSet(StringComparer.Ordinal);

        var errors = trialErrors;
        void Error(string key, string value, string reason) => errors.Add(new ImportError(name, 0, key, value, reason, RowName: "line"));
        var inFile = file.Indicators.ToDictionary(i => i.Code, StringComparer.Ordinal);
        foreach (var c in current.Indicators.Where(c => !inFile.ContainsKey(c.Code)))
            Error(c.Code, "", "the indicator is in the catalog but not in the file: an import describes the whole catalog; to retire it, keep it with enabled: false (its history stays)");
        foreach (var i in file.Indicators)
        {
            if (BuiltIn.Contains(i.Code) && i.Query is not null)
                Error(i.Code + ".query", "", "a built-in indicator's query is the product's and cannot be replaced; add a custom indicator with a code of its own");
            if (!BuiltIn.Contains(i.Code) && i.Query is null)
                Error(i.Code + ".query", "", "a custom indicator needs its query: SQL over the staging tables returning rep_id and value (docs/indicators.md)");
        }

        if (errors.Count > 0) throw new ImportRejectedException(errors);

        var warnings = WeightWarnings(file, teams);
        var changes = Changes(current, file);
        if (dryRun || changes.Count == 0 || (warnings.Count > 0 && !acceptWarnings)) return new CatalogImportResult(changes, warnings, false);

        foreach (var i in file.Indicators)
            await conn.ExecuteAsync(new CommandDefinition("""
                insert into reporting.indicator as i(code, name_zh_cn, name_zh_tw, name_en, category, unit, direction, missing_as, has_target, sort_order,
                    summary_order, enabled, anomaly_completion_below, anomaly_mom_drop_percent, anomaly_mom_drop_points, anomaly_z, anomaly_z_months,
                    anomaly_z_min_months, query)
                values (@Code, @NameZhCn, @NameZhTw, @NameEn, @Category, @Unit, @Direction, @MissingAs, @HasTarget, @SortOrder, @SummaryOrder, @Enabled,
                    @CompletionBelow, @MomDropPercent, @MomDropPoints, @Z, @ZMonths, @ZMinMonths, coalesce(@Query, ''))
                on conflict (code) do update set name_zh_cn = excluded.name_zh_cn, name_zh_tw = excluded.name_zh_tw, name_en = excluded.name_en,
                    category = excluded.category, unit = excluded.unit, direction = excluded.direction, missing_as = excluded.missing_as,
                    has_target = excluded.has_target, sort_order = excluded.sort_order, summary_order = excluded.summary_order, enabled = excluded.enabled,
                    anomaly_completion_below = excluded.anomaly_completion_below, anomaly_mom_drop_percent = excluded.anomaly_mom_drop_percent,
                    anomaly_mom_drop_points = excluded.anomaly_mom_drop_points, anomaly_z = excluded.anomaly_z, anomaly_z_months = excluded.anomaly_z_months,
                    anomaly_z_min_months = excluded.anomaly_z_min_months,
                    query = case when @Query is null then i.query else excluded.query end
                """, new
            {
                i.Code, i.NameZhCn, i.NameZhTw, i.NameEn, i.Category, i.Unit, i.Direction, i.MissingAs, i.HasTarget, i.SortOrder, i.SummaryOrder, i.Enabled,
                i.Anomaly.CompletionBelow, i.Anomaly.MomDropPercent, i.Anomaly.MomDropPoints, i.Anomaly.Z, i.Anomaly.ZMonths, i.Anomaly.ZMinMonths, i.Query,
            }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition("delete from reporting.indicator_weight", transaction: tx, cancellationToken: ct));
        var weights = file.Weights.SelectMany(s => s.Value.Select(w => (Set: s.Key, Indicator: w.Key, Weight: w.Value))).ToList();
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into reporting.indicator_weight(team_id, indicator, weight)
            select * from unnest(@sets::text[], @indicators::text[], @weights::numeric[])
            """, new { sets = weights.Select(w => w.Set).ToArray(), indicators = weights.Select(w => w.Indicator).ToArray(), weights = weights.Select(w => w.Weight).ToArray() },
            tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return new CatalogImportResult(changes, warnings, true);
    }

    /// <summary>One indicator's query run for one month, read-only under the statement timeout: the first rows by rep and the count.</summary>
    public async Task<IndicatorTrial> TestAsync(string code, Period period, int rows, CancellationToken ct)
    {
        (string Query, string Unit)? indicator;
        await using (var conn = await db.Reporting.OpenConnectionAsync(ct))
            indicator = await conn.QuerySingleOrDefaultAsync<(string Query, string Unit)?>(new CommandDefinition(
                "select query, unit from reporting.indicator where code = @code", new { code }, cancellationToken: ct));
        if (indicator is not { } i) throw new ArgumentException($"--code '{code}' is not an indicator of the catalog (indicators export lists them).");
        var clock = Stopwatch.StartNew();
        var (found, count) = await TryAsync(i.Query, period, rows, ct);
        return new IndicatorTrial(code, i.Unit, period, found, count, clock.Elapsed);
    }

    /// <summary>
    /// Runs a catalog query as compute does (read-only, the statement timeout, the month's parameters) and checks it
    /// returns rep_id and value with one row per rep. Its failures are the database's (<see cref="PostgresException"/>).
    /// </summary>
    [SuppressMessage("Security", "CA2100", Justification = "The indicator query is catalog configuration run read-only with a timeout; its inputs are bound parameters.")]
    private async Task<(IReadOnlyList<IndicatorTrialRow> Rows, long Count)> TryAsync(string query, Period period, int rows, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct); // rolled back when disposed: nothing is written
        await conn.ExecuteAsync(new CommandDefinition(IndicatorCompute.QuerySettings(options.Value.QueryTimeoutSeconds), transaction: tx, cancellationToken: ct));
        var parameters = new { period_start = period.Start, period_end = period.End, tz = company.Value.TimeZone, rows };
        var columns = await IndicatorCompute.ColumnsAsync(conn, tx, query, parameters, null, ct);
        var numerator = columns.Contains("numerator") ? "q.numerator::numeric" : "null::numeric";
        var denominator = columns.Contains("denominator") ? "q.denominator::numeric" : "null::numeric";
        var found = await conn.QueryAsync<IndicatorTrialRow>(new CommandDefinition($"""
            select q.rep_id::text as rep_id, q.value::numeric as value, {numerator} as numerator, {denominator} as denominator
            from ({query}) q order by 1 limit @rows
            """, parameters, tx, cancellationToken: ct));
        var (count, twice, times) = await conn.QuerySingleAsync<(long, string?, long)>(new CommandDefinition($"""
            select (select count(*) from ({query}) q), d.rep_id, coalesce(d.n, 0)
            from (select 1) one left join (select rep_id::text, count(*) n from ({query}) d group by rep_id having count(*) > 1 limit 1) d on true
            """, parameters, tx, cancellationToken: ct));
        if (twice is not null) throw IndicatorCompute.ReturnedTwice(twice, times);
        return (found.ToList(), count);
    }


    /// <summary>Each weight set over the file's enabled indicators: sums to 100, process indicators at least 40; sets of unknown teams.</summary>
    private static List<string> WeightWarnings(Catalog file, HashSet<string> teams)
    {
        var warnings = new List<string>();
        var enabled = file.Indicators.Where(i => i.Enabled).ToDictionary(i => i.Code, StringComparer.Ordinal);
        if (!file.Weights.ContainsKey("*"))
            warnings.Add("weights: no company default set \"*\": a team without a set of its own scores 0");
        foreach (var (set, values) in file.Weights.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            var which = set == "*" ? "the company default \"*\"" : $"team {set}";
            if (set != "*" && !teams.Contains(set)) warnings.Add($"weights: {set} is not a team of staging.teams (not synced yet, or mistyped)");
            var inForce = values.Where(v => enabled.ContainsKey(v.Key)).ToList();
            var total = inForce.Sum(v => v.Value);
            var process = inForce.Where(v => enabled[v.Key].Category == "process").Sum(v => v.Value);
            foreach (var kind in Findings.WeightWarnings.Check(total, process))
                warnings.Add(kind == Findings.WeightWarnings.WeightSum
                    ? $"weights of {which} sum to {total.ToString("G29", CultureInfo.InvariantCulture)} over the enabled indicators, not {Findings.WeightWarnings.WeightTotal}"
                    : $"process indicators weigh {process.ToString("G29", CultureInfo.InvariantCulture)} in {which}, below {Findings.WeightWarnings.MinProcessWeight}");
        }
        return warnings;
    }

    /// <summary>What applying the file would change, one line per field, indicator or weight.</summary>
    private static List<string> Changes(Catalog current, Catalog file)
    {
        var changes = new List<string>();
        var before = current.Indicators.ToDictionary(i => i.Code, StringComparer.Ordinal);
        foreach (var i in file.Indicators)
        {
            if (!before.TryGetValue(i.Code, out var was)) { changes.Add($"{i.Code}: new custom indicator ({i.NameEn}, {i.Category}, {i.Unit}{(i.Enabled ? "" : ", disabled")})"); continue; }
            void Field<T>(string field, T a, T b) { if (!EqualityComparer<T>.Default.Equals(a, b)) changes.Add($"{i.Code}: {field} {Show(a)} → {Show(b)}"); }
            Field("name zh-CN", was.NameZhCn, i.NameZhCn);
            Field("name zh-TW", was.NameZhTw, i.NameZhTw);
            Field("name en", was.NameEn, i.NameEn);
            Field("category", was.Category, i.Category);
            Field("unit", was.Unit, i.Unit);
            Field("direction", was.Direction, i.Direction);
            Field("missing_as", was.MissingAs, i.MissingAs);
            Field("has_target", was.HasTarget, i.HasTarget);
            Field("sort_order", was.SortOrder, i.SortOrder);
            Field("summary_order", was.SummaryOrder, i.SummaryOrder);
            Field("enabled", was.Enabled, i.Enabled);
            Field("anomaly.completion_below", was.Anomaly.CompletionBelow, i.Anomaly.CompletionBelow);
            Field("anomaly.mom_drop_percent", was.Anomaly.MomDropPercent, i.Anomaly.MomDropPercent);
            Field("anomaly.mom_drop_points", was.Anomaly.MomDropPoints, i.Anomaly.MomDropPoints);
            Field("anomaly.z", was.Anomaly.Z, i.Anomaly.Z);
            Field("anomaly.z_months", was.Anomaly.ZMonths, i.Anomaly.ZMonths);
            Field("anomaly.z_min_months", was.Anomaly.ZMinMonths, i.Anomaly.ZMinMonths);
            if (i.Query is not null && !string.Equals(was.Query?.Trim(), i.Query.Trim(), StringComparison.Ordinal)) changes.Add($"{i.Code}: query changed");
        }
        foreach (var set in current.Weights.Keys.Union(file.Weights.Keys).Order(StringComparer.Ordinal))
        {
            var a = current.Weights.GetValueOrDefault(set) ?? new Dictionary<string, decimal>();
            var b = file.Weights.GetValueOrDefault(set) ?? new Dictionary<string, decimal>();
            var name = set == "*" ? "company default \"*\"" : $"team {set}";
            if (a.Count == 0) { changes.Add($"weights of {name}: new set ({Weights(b)})"); continue; }
            if (b.Count == 0) { changes.Add($"weights of {name}: removed" + (set == "*" ? "" : " (the team falls back to the company default)")); continue; }
            foreach (var code in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
                if (a.GetValueOrDefault(code) != b.GetValueOrDefault(code))
                    changes.Add($"weights of {name}: {code} {Show(a.TryGetValue(code, out var x) ? x : (decimal?)null)} → {Show(b.TryGetValue(code, out var y) ? y : (decimal?)null)}");
        }
        return changes;

        static string Weights(IReadOnlyDictionary<string, decimal> w) => string.Join(", ", w.Select(kv => $"{kv.Key} {Show(kv.Value)}"));
        static string Show<T>(T value) => value switch
        {
            null => "off",
            decimal d => d.ToString("G29", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
    }
}
