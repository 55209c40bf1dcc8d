using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SalesReporting.Data;
using SalesReporting.Data.Indicators;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Findings;

public sealed record FindingRow(string TeamId, string? RepId, string? Subject, string Detail);

/// <summary>What the findings tests read back: the rows of one kind for one month, in a stable order.</summary>
internal static class FindingRows
{
    public static async Task<List<FindingRow>> ReadAsync(TestDatabase db, Period period, string kind)
    {
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        return (await conn.QueryAsync<FindingRow>("""
            select team_id, rep_id, subject, detail from reporting.finding
            where period = @period and kind = @kind order by id
            """, new { period = period.Start, kind })).ToList();
    }

    /// <summary>Compute as month-end does: the indicators, then (at the end) the findings.</summary>
    public static async Task ComputeAsync(IHost host, Period period)
    {
        var result = await host.Services.GetRequiredService<IndicatorCompute>().ComputeAsync(period, default);
        Assert.Empty(result.Errors);
    }
}
