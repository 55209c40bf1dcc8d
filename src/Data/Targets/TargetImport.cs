using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using SalesReporting.Data.Sources;

namespace SalesReporting.Data.Targets;

/// <param name="Kind">month, quarter or year; Period is its first month</param>
public sealed record TargetRow(string RepId, string Kind, DateOnly Period, string Indicator, decimal Target);

/// <summary>
/// Targets from a sheet (layout in docs/files.md): header rep_id,period,indicator,target; target in the indicator's
/// display unit. The period is a month (2026-10), or a quarter (2026-Q3) or a year (2026) whose target overrides the
/// roll-up of its monthly targets on the quarter's and the year's forms. The whole file is checked first; one bad row rejects all of it and nothing is written.
/// </summary>
public sealed class TargetImport(Databases db, IOptions<ImportOptions> limits, CrmReps crmReps)
{
    public static readonly string[] Header = ["rep_id", "period", "indicator", "target"];

    /// <summary>The most decimal places a target keeps: reporting.target.target is numeric(16,4).</summary>
    public const int Decimals = 4;

    /// <param name="team">when set (an upload from a team's page), a row for a rep of another team is refused</param>
    /// <param name="encoding">the .csv's encoding as the person named it (--encoding); detected when null</param>
    /// <param name="alsoInTransaction">more of the same unit (the workspace's change-log row), given the rows written</param>
    public async Task<int> ImportAsync(string path, CancellationToken ct, TeamScope? team = null, string? encoding = null,
        Func<int, Npgsql.NpgsqlConnection, Npgsql.NpgsqlTransaction, Task>? alsoInTransaction = null)
    {
        var file = TabularFile.Read(path, Header, limits: limits.Value, encoding: encoding);
        // A rep not staged yet (no sync so far, or new in the CRM) is looked up in the CRM itself.
        var reps = await crmReps.LookupAsync(file.Rows.Select(r => r.Fields[0]), ct);
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        var indicators = (await conn.QueryAsync<(string Code, bool HasTarget)>(new CommandDefinition(
            "select code, has_target from reporting.indicator", cancellationToken: ct))).ToDictionary(i => i.Code, i => i.HasTarget);

        var errors = new List<ImportError>();
        var parsed = new List<TargetRow>();
        var seen = new Dictionary<(string, string, DateOnly, string), int>();
        foreach (var (line, f) in file.Rows)
        {
            var ok = true;
            void Fail(string column, string value, string reason) { errors.Add(file.Error(line, column, value, reason)); ok = false; }
            if (string.IsNullOrWhiteSpace(f[0])) Fail("rep_id", "", "empty");
            else if (reps.Problem(f[0]) is { } unknown) Fail("rep_id", f[0], unknown);
            else if (team?.Refuses(f[0]) is { } outside) Fail("rep_id", f[0], outside);
            var kind = "month";
            var period = default(Period);
            if (Period.TryParse(f[1], out var month)) period = month;
            else if (Indicators.RollupPeriod.TryParse(f[1], out var rollup)) (kind, period) = (rollup.Quarter is null ? "year" : "quarter", rollup.First);
            else Fail("period", f[1], "expected YYYY-MM, or YYYY-Qn / YYYY for a quarter's or a year's target");
            if (!indicators.TryGetValue(f[2], out var hasTarget)) Fail("indicator", f[2], $"unknown indicator; expected one of {string.Join(", ", indicators.Keys.Order())}");
            else if (!hasTarget) Fail("indicator", f[2], "this indicator takes no target");
            if (!decimal.TryParse(f[3], NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite,
                    CultureInfo.InvariantCulture, out var target)) Fail("target", f[3], "not a number");
            else if (target < 0) Fail("target", f[3], "negative");
            else if (target >= 1_000_000_000_000m) Fail("target", f[3], "too large");
            // Stored as numeric(16,4): PostgreSQL would round 0.00001 to 0 without a word. Keep what was given, or refuse.
            else if (target != decimal.Round(target, Decimals))
                Fail("target", f[3], $"more than {Decimals} decimal places; a target keeps at most {Decimals} (0.0001)");
            if (!ok) continue;
            var key = (f[0], kind, period.Start, f[2]);
            if (seen.TryGetValue(key, out var first)) { Fail("rep_id", f[0], $"duplicate of row {first} (same rep, period and indicator)"); continue; }
            seen[key] = line;
            parsed.Add(new TargetRow(f[0], kind, period.Start, f[2], target));
        }
        if (errors.Count > 0) throw new ImportRejectedException(errors);
        if (parsed.Count == 0) throw new ImportRejectedException([file.Error(1, "", "", "the file has a header but no rows")]);

        await using var tx = await conn.BeginTransactionAsync(ct);
        var months = parsed.Where(p => p.Kind == "month").ToList();
        var wholes = parsed.Where(p => p.Kind != "month").ToList();
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into reporting.target(rep_id, period, indicator, target, source_file)
            select * , @file from unnest(@reps, @periods, @indicators, @targets)
            on conflict (rep_id, period, indicator) do update set target = excluded.target, source_file = excluded.source_file, imported_at = now()
            """, new
        {
            reps = months.Select(p => p.RepId).ToArray(),
            periods = months.Select(p => p.Period).ToArray(),
            indicators = months.Select(p => p.Indicator).ToArray(),
            targets = months.Select(p => p.Target).ToArray(),
            file = file.FileName,
        }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into reporting.period_target(rep_id, kind, period, indicator, target, source_file)
            select * , @file from unnest(@reps, @kinds, @periods, @indicators, @targets)
            on conflict (rep_id, kind, period, indicator) do update set target = excluded.target, source_file = excluded.source_file, imported_at = now()
            """, new
        {
            reps = wholes.Select(p => p.RepId).ToArray(),
            kinds = wholes.Select(p => p.Kind).ToArray(),
            periods = wholes.Select(p => p.Period).ToArray(),
            indicators = wholes.Select(p => p.Indicator).ToArray(),
            targets = wholes.Select(p => p.Target).ToArray(),
            file = file.FileName,
        }, tx, cancellationToken: ct));
        if (alsoInTransaction is not null) await alsoInTransaction(parsed.Count, conn, tx);
        await tx.CommitAsync(ct);
        return parsed.Count;
    }
}
