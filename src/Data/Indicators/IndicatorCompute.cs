using System.Diagnostics.CodeAnalysis;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace SalesReporting.Data.Indicators;

public sealed record IndicatorDefinition(string Code, string NameZhCn, string NameZhTw, string NameEn, string Category,
    string Unit, string Direction, string MissingAs, bool HasTarget, int SortOrder, string Query);

public sealed record IndicatorError(string Indicator, string Error);

/// <param name="Derived">rep scores, anomalies, team-wide issues and configuration warnings of the month</param>
public sealed record ComputeResult(Period Period, int Indicators, long Values, IReadOnlyList<IndicatorError> Errors, DerivedResult? Derived = null)
{
    public override string ToString() =>
        $"{Period}: {Indicators} indicators, {Values} values" + (Errors.Count == 0 ? "" : $", {Errors.Count} failed: " +
            string.Join("; ", Errors.Select(e => $"{e.Indicator}: {e.Error}"))) + (Derived is null ? "" : $"; {Derived}");
}

/// <summary>
/// Computes every enabled catalog indicator for every active rep of a month: one set-based query per
/// indicator, run read-only with a statement timeout, so an indicator added as a catalog row
/// (no code) is computed the same way as the built-in ones, and a broken one fails alone.
/// </summary>
public sealed class IndicatorCompute(Databases db, IOptions<CompanyOptions> company, IOptions<IndicatorOptions> options,
    ILogger<IndicatorCompute> logger)
{
    public static async Task<IReadOnlyList<IndicatorDefinition>> LoadCatalogAsync(NpgsqlConnection conn, CancellationToken ct) =>
        (await conn.QueryAsync<IndicatorDefinition>(new CommandDefinition("""
            select code, name_zh_cn, name_zh_tw, name_en, category, unit, direction, missing_as, has_target, sort_order, query
            from reporting.indicator where enabled order by sort_order, code
            """, cancellationToken: ct))).ToList();

    /// <summary>The month itself, and any month of the history window never computed before.</summary>
    public async Task<IReadOnlyList<ComputeResult>> ComputeWithHistoryAsync(Period period, CancellationToken ct)
    {
        var results = (await ComputeHistoryAsync(period, ct)).ToList();
        results.Add(await ComputeAsync(period, ct));
        return results;
    }

    /// <summary>
    /// The indicators of every month of the history window before the month never computed before, oldest
    /// first: what MoM, YoY, the z-score, the new-hire ramp and the follow-up verdicts read. A month's scores,
    /// anomalies and findings are for the month being closed; a history month gets them when it is closed itself.
    /// </summary>
    public Task<IReadOnlyList<ComputeResult>> ComputeHistoryAsync(Period period, CancellationToken ct) =>
        ComputeNeverComputedAsync(Enumerable.Range(0, options.Value.HistoryMonths).Select(i => period.Add(i - options.Value.HistoryMonths)).ToList(), ct);

    /// <summary>The indicators of each of these months that has no value at all yet, oldest first (the history window
    /// before a month-end, the months of a quarter or a year before its close); a month computed before is left as it is.</summary>
    public async Task<IReadOnlyList<ComputeResult>> ComputeNeverComputedAsync(IReadOnlyList<Period> months, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(months);
        if (months.Count == 0) return [];
        HashSet<DateOnly> done;
        await using (var conn = await db.Reporting.OpenConnectionAsync(ct))
            done = (await conn.QueryAsync<DateOnly>(new CommandDefinition(
                "select distinct period from reporting.indicator_value where period >= @from and period <= @to",
                new { from = months.Min().Start, to = months.Max().Start }, cancellationToken: ct))).ToHashSet();
        var results = new List<ComputeResult>();
        foreach (var p in months.Order())
            if (!done.Contains(p.Start)) results.Add(await ComputeIndicatorsAsync(p, ct));
        return results;
    }

    /// <summary>Everything computed for one month: the catalog's indicators first; steps derived from them follow them here.</summary>
    public async Task<ComputeResult> ComputeAsync(Period period, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var indicators = await ComputeIndicatorsAsync(period, ct);
        var indicatorsTime = clock.Elapsed;
        // Scores/anomalies and the findings both read only the indicator values and staging, and write
        // rows of their own: side by side, each in its own transaction.
        async Task<(T Value, TimeSpan Time)> Timed<T>(Task<T> task)
        {
            var value = await task;
            return (value, clock.Elapsed - indicatorsTime);
        }
        var derivedTask = Timed(DerivedFigures.ComputeAsync(db.Reporting, period, company.Value.TimeZone, ct));
        var findingsTask = Timed(new Findings.FindingsCompute(db, company, logger).ComputeAsync(period, ct));
        await Task.WhenAll(derivedTask, findingsTask);
        var (derived, derivedTime) = await derivedTask;
        var findingsTime = (await findingsTask).Time;
        foreach (var warning in derived.Warnings) logger.LogWarning("Configuration warning for {Period}: {Warning}", period, warning);
        var result = indicators with { Derived = derived };
        // Where a month's time goes, for whoever watches month-end take longer than it should.
        logger.LogInformation("Computed {Result} in {Seconds:N2} s: indicators {Indicators:N2} s, then side by side scores and anomalies {Derived:N2} s, findings {Findings:N2} s",
            result, clock.Elapsed.TotalSeconds, indicatorsTime.TotalSeconds, derivedTime.TotalSeconds, findingsTime.TotalSeconds);
        return result;
    }

    /// <summary>
    /// The catalog's indicators alone, for every active rep of the month. Indicators are computed side by
    /// side, each on its own connection (Indicators:Parallelism): the query runs read-only under the
    /// statement timeout into a temporary table, then the indicator's values for the month are replaced
    /// in one statement. A query that fails, times out, writes, or returns a rep twice fails alone. The
    /// values stay in the server: a numeric of any precision is stored as the query computed it.
    /// </summary>
    public async Task<ComputeResult> ComputeIndicatorsAsync(Period period, CancellationToken ct)
    {
        IReadOnlyList<IndicatorDefinition> catalog;
        await using (var conn = await db.Reporting.OpenConnectionAsync(ct))
            catalog = await LoadCatalogAsync(conn, ct);

        var outcomes = new (long Values, string? Error)[catalog.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, catalog.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.Parallelism, CancellationToken = ct },
            async (i, token) =>
            {
                try
                {
                    outcomes[i] = (await ComputeOneAsync(catalog[i], period, token), null);
                }
                catch (PostgresException ex)
                {
                    outcomes[i] = (0, Describe(ex, options.Value.QueryTimeoutSeconds));
                }
            });

        var errors = new List<IndicatorError>();
        await using (var conn = await db.Reporting.OpenConnectionAsync(ct))
        {
            // A month written for the first time is unknown to the planner's statistics until autovacuum
            // passes (a month is less than a tenth of a year's values, below its threshold), and a month it
            // believes empty is read row by row where the whole month is meant, or in full where one rep's
            // rows are. The month is known from here on: to scores and anomalies now, and to the forms next.
            // A month recomputed is already known (one of the period column's most common values).
            var known = await conn.ExecuteScalarAsync<bool>(new CommandDefinition("""
                select exists (select 1 from pg_stats
                               where schemaname = 'reporting' and tablename = 'indicator_value' and attname = 'period'
                                 and most_common_vals::text::date[] @> array[@period])
                """, new { period = period.Start }, cancellationToken: ct));
            if (!known)
                await conn.ExecuteAsync(new CommandDefinition("analyze reporting.indicator_value", commandTimeout: 0, cancellationToken: ct));
            await conn.ExecuteAsync(new CommandDefinition(
                "delete from reporting.compute_error where period = @period", new { period = period.Start }, cancellationToken: ct));
            for (var i = 0; i < catalog.Count; i++)
            {
                if (outcomes[i].Error is not { } error) continue;
                errors.Add(new IndicatorError(catalog[i].Code, error));
                logger.LogError("Indicator {Indicator} failed for {Period}: {Error}", catalog[i].Code, period, error);
                await conn.ExecuteAsync(new CommandDefinition(
                    "insert into reporting.compute_error(period, indicator, error) values (@period, @indicator, @error) on conflict (period, indicator) do update set error = excluded.error, occurred_at = now()",
                    new { period = period.Start, indicator = catalog[i].Code, error }, cancellationToken: ct));
            }
        }
        return new ComputeResult(period, catalog.Count, outcomes.Sum(o => o.Values), errors);
    }

    /// <summary>
    /// The transaction a catalog query runs in: read-only, under the statement timeout. JIT compiling a month's
    /// query costs more than it saves (the queries read one month through an index); the indicators already
    /// run side by side, one per connection, so parallel workers per query would only compete with them for
    /// the same cores. The bench runs the queries alone in the same transaction.
    /// </summary>
    public static string QuerySettings(int timeoutSeconds) =>
        $"set transaction read only; set local statement_timeout = {timeoutSeconds * 1000}; set local jit = off; set local max_parallel_workers_per_gather = 0";

    /// <summary>What a catalog query's failure says to a person: the timeout, a write, or the server's own message.</summary>
    public static string Describe(PostgresException ex, int timeoutSeconds)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return ex.SqlState switch
        {
            PostgresErrorCodes.QueryCanceled => $"query exceeded {timeoutSeconds} s and was cancelled",
            PostgresErrorCodes.ReadOnlySqlTransaction => "query tried to write; indicator queries are read-only",
            _ => ex.MessageText,
        };
    }

    /// <summary>A catalog query's columns, read without running it; it must return rep_id and value (a failure like the server's).</summary>
    [SuppressMessage("Security", "CA2100", Justification = "The indicator query is catalog configuration run read-only with a timeout; its inputs are bound parameters.")]
    internal static async Task<string[]> ColumnsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string query, object parameters, int? timeout, CancellationToken ct)
    {
        string[] columns;
        await using (var probe = await conn.ExecuteReaderAsync(new CommandDefinition(
                         $"select * from ({query}) q limit 0", parameters, tx, commandTimeout: timeout, cancellationToken: ct)))
        {
            columns = Enumerable.Range(0, probe.FieldCount).Select(probe.GetName).ToArray();
        }
        if (!columns.Contains("rep_id") || !columns.Contains("value"))
            throw new PostgresException($"query must return the columns rep_id and value (it returns {string.Join(", ", columns)})", "ERROR", "ERROR", "42703");
        return columns;
    }

    /// <summary>The error of a query that returned a rep more than once.</summary>
    internal static PostgresException ReturnedTwice(string repId, long times) =>
        new($"query returned rep {repId} {times} times; it must return one row per rep", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation);

    [SuppressMessage("Security", "CA2100", Justification = "The indicator query is catalog configuration run read-only with a timeout; its inputs are bound parameters.")]
    private async Task<long> ComputeOneAsync(IndicatorDefinition indicator, Period period, CancellationToken ct)
    {
        var parameters = new { period_start = period.Start, period_end = period.End, tz = company.Value.TimeZone };
        // The server's statement timeout cancels first and says so; the client's only guards a lost connection.
        var clientTimeout = options.Value.QueryTimeoutSeconds + 30;
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        // A read-only transaction may insert into a temporary table, but not create or truncate one.
        await conn.ExecuteAsync(new CommandDefinition("""
            create temp table if not exists indicator_buffer(rep_id text, value numeric, numerator numeric, denominator numeric);
            truncate indicator_buffer;
            """, cancellationToken: ct));
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            await conn.ExecuteAsync(new CommandDefinition(QuerySettings(options.Value.QueryTimeoutSeconds), transaction: tx, cancellationToken: ct));
            var columns = await ColumnsAsync(conn, tx, indicator.Query, parameters, clientTimeout, ct);
            var numerator = columns.Contains("numerator") ? "q.numerator::numeric" : "null";
            var denominator = columns.Contains("denominator") ? "q.denominator::numeric" : "null";
            await conn.ExecuteAsync(new CommandDefinition(
                $"insert into indicator_buffer select q.rep_id::text, q.value::numeric, {numerator}, {denominator} from ({indicator.Query}) q",
                parameters, tx, commandTimeout: clientTimeout, cancellationToken: ct));
            await tx.CommitAsync(ct);
        }

        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            var twice = await conn.QueryFirstOrDefaultAsync<(string RepId, long Times)?>(new CommandDefinition(
                "select rep_id, count(*) from indicator_buffer where rep_id is not null group by rep_id having count(*) > 1 limit 1",
                transaction: tx, cancellationToken: ct));
            if (twice is { } t)
                throw ReturnedTwice(t.RepId, t.Times);
            var args = new { period = period.Start, code = indicator.Code, zero = indicator.MissingAs == "zero" };
            await conn.ExecuteAsync(new CommandDefinition(
                "delete from reporting.indicator_value where period = @period and indicator = @code", args, tx, commandTimeout: 0, cancellationToken: ct));
            var values = await conn.ExecuteAsync(new CommandDefinition("""
                insert into reporting.indicator_value(period, rep_id, indicator, actual, numerator, denominator)
                select @period, r.rep_id, @code,
                       case when b.rep_id is null and @zero then 0 else b.value end,
                       case when b.rep_id is null and @zero then 0 else b.numerator end,
                       b.denominator
                from staging.reps r left join indicator_buffer b on b.rep_id = r.rep_id
                where r.active
                order by r.rep_id
                """, args, tx, commandTimeout: 0, cancellationToken: ct));
            await tx.CommitAsync(ct);
            return values;
        }
    }
}
