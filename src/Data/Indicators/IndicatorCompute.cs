using System.Diagnostics.CodeAnalysis;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace SalesReporting.Data.Indicators;

public sealed record IndicatorDefinition(string Code, string NameZhCn, string NameZhTw, string NameEn, string Category,
    string Unit, string Direction, string MissingAs, bool HasTarget, int SortOrder, string Query);

public sealed record IndicatorError(string Indicator, string Error);

public sealed record ComputeResult(Period Period, int Indicators, long Values, IReadOnlyList<IndicatorError> Errors)
{
    public override string ToString() =>
        $"{Period}: {Indicators} indicators, {Values} values" + (Errors.Count == 0 ? "" : $", {Errors.Count} failed: " +
            string.Join("; ", Errors.Select(e => $"{e.Indicator}: {e.Error}")));
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
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        var done = (await conn.QueryAsync<DateOnly>(new CommandDefinition(
            "select distinct period from reporting.indicator_value where period >= @from and period < @to",
            new { from = period.Add(-options.Value.HistoryMonths).Start, to = period.Start }, cancellationToken: ct))).ToHashSet();
        var results = new List<ComputeResult>();
        for (var m = options.Value.HistoryMonths; m >= 1; m--)
        {
            var p = period.Add(-m);
            if (!done.Contains(p.Start)) results.Add(await ComputeAsync(p, ct));
        }
        results.Add(await ComputeAsync(period, ct));
        return results;
    }

    /// <summary>Everything month-end computes for one month: the indicators, then what is derived from them.</summary>
    public async Task<ComputeResult> ComputeAsync(Period period, CancellationToken ct)
    {
        var result = await ComputeIndicatorsAsync(period, ct);
        return result;
    }

    /// <summary>The catalog's indicators alone, for every active rep of the month.</summary>
    public async Task<ComputeResult> ComputeIndicatorsAsync(Period period, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        var catalog = await LoadCatalogAsync(conn, ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            create temp table if not exists indicator_buffer(rep_id text, value numeric, numerator numeric, denominator numeric);
            delete from reporting.compute_error where period = @period;
            """, new { period = period.Start }, cancellationToken: ct));
        var errors = new List<IndicatorError>();
        long values = 0;
        foreach (var indicator in catalog)
        {
            try
            {
                values += await ComputeOneAsync(conn, indicator, period, ct);
            }
            catch (PostgresException ex)
            {
                var error = ex.SqlState == PostgresErrorCodes.QueryCanceled
                    ? $"query exceeded {options.Value.QueryTimeoutSeconds} s and was cancelled"
                    : ex.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction ? "query tried to write; indicator queries are read-only" : ex.MessageText;
                errors.Add(new IndicatorError(indicator.Code, error));
                logger.LogError("Indicator {Indicator} failed for {Period}: {Error}", indicator.Code, period, error);
                await conn.ExecuteAsync(new CommandDefinition(
                    "insert into reporting.compute_error(period, indicator, error) values (@period, @indicator, @error) on conflict (period, indicator) do update set error = excluded.error, occurred_at = now()",
                    new { period = period.Start, indicator = indicator.Code, error }, cancellationToken: ct));
            }
        }
        var result = new ComputeResult(period, catalog.Count, values, errors);
        logger.LogInformation("Computed {Result}", result);
        return result;
    }

    [SuppressMessage("Security", "CA2100", Justification = "The indicator query is catalog configuration run read-only with a timeout; its inputs are bound parameters.")]
    private async Task<long> ComputeOneAsync(NpgsqlConnection conn, IndicatorDefinition indicator, Period period, CancellationToken ct)
    {
        var parameters = new { period_start = period.Start, period_end = period.End, tz = company.Value.TimeZone };
        await conn.ExecuteAsync(new CommandDefinition("truncate indicator_buffer", cancellationToken: ct));
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            await conn.ExecuteAsync(new CommandDefinition(
                $"set transaction read only; set local statement_timeout = {options.Value.QueryTimeoutSeconds * 1000}", transaction: tx, cancellationToken: ct));
            string[] columns;
            await using (var probe = await conn.ExecuteReaderAsync(new CommandDefinition(
                             $"select * from ({indicator.Query}) q limit 0", parameters, tx, cancellationToken: ct)))
            {
                columns = Enumerable.Range(0, probe.FieldCount).Select(probe.GetName).ToArray();
            }
            if (!columns.Contains("rep_id") || !columns.Contains("value"))
                throw new PostgresException($"query must return the columns rep_id and value (it returns {string.Join(", ", columns)})", "ERROR", "ERROR", "42703");
            var numerator = columns.Contains("numerator") ? "q.numerator::numeric" : "null";
            var denominator = columns.Contains("denominator") ? "q.denominator::numeric" : "null";
            await conn.ExecuteAsync(new CommandDefinition(
                $"insert into indicator_buffer select q.rep_id::text, q.value::numeric, {numerator}, {denominator} from ({indicator.Query}) q",
                parameters, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
        }
        await conn.ExecuteAsync(new CommandDefinition(
            "delete from reporting.indicator_value where period = @period and indicator = @code",
            new { period = period.Start, code = indicator.Code }, cancellationToken: ct));
        return await conn.ExecuteAsync(new CommandDefinition("""
            insert into reporting.indicator_value(period, rep_id, indicator, actual, numerator, denominator)
            select @period, r.rep_id, @code,
                   case when b.rep_id is null and @zero then 0 else b.value end,
                   case when b.rep_id is null and @zero then 0 else b.numerator end,
                   b.denominator
            from staging.reps r left join indicator_buffer b on b.rep_id = r.rep_id
            where r.active;
            """, new { period = period.Start, code = indicator.Code, zero = indicator.MissingAs == "zero" }, cancellationToken: ct));
    }
}
