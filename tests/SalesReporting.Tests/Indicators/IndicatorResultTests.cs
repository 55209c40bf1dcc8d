using Dapper;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Indicators;

/// <summary>
/// reporting.indicator_result_of(month), where target, completion, gap, MoM and YoY are defined, worked
/// out by hand; and the view reporting.indicator_result, which reads it month by month, for that month.
/// </summary>
public sealed class IndicatorResultTests : IAsyncLifetime
{
    private TestDatabase db = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync("sr_result_of");
        // R1: revenue 80 a year ago, 100 last month, 120 now against 100; collection 85 %, 95 %, 90 % against 90.
        // R2: revenue only this month, no target. R3: negotiation cycle (lower is better) 20 → 25 days against 30;
        // last month's visits were 0 (no MoM from zero). Another month's rows must not leak in.
        await new Seed(db.Databases)
            .Value("2025-10-01", "R1", "revenue", 80).Value("2026-09-01", "R1", "revenue", 100).Value("2026-10-01", "R1", "revenue", 120)
            .Value("2025-10-01", "R1", "collection_rate", 85).Value("2026-09-01", "R1", "collection_rate", 95).Value("2026-10-01", "R1", "collection_rate", 90)
            .Value("2026-10-01", "R2", "revenue", 30)
            .Value("2026-09-01", "R3", "negotiation_cycle", 20).Value("2026-10-01", "R3", "negotiation_cycle", 25)
            .Value("2026-09-01", "R3", "visits", 0).Value("2026-10-01", "R3", "visits", 7)
            .Value("2026-11-01", "R1", "revenue", 999)
            .Target("R1", "2026-10-01", "revenue", 100).Target("R1", "2026-10-01", "collection_rate", 90).Target("R3", "2026-10-01", "negotiation_cycle", 30)
            .Target("R1", "2026-09-01", "revenue", 1)
            .WriteAsync();
    }

    public async Task DisposeAsync() => await db.DisposeAsync();

    private sealed record Row(string RepId, string Indicator, decimal? Actual, decimal? Target, decimal? Completion, decimal? Gap,
        decimal? PreviousActual, decimal? Mom, decimal? LastYearActual, decimal? Yoy);

    private const string Columns = "rep_id, indicator, actual, target, round(completion, 6) as completion, gap, previous_actual, round(mom, 6) as mom, last_year_actual, round(yoy, 6) as yoy";

    [Fact]
    public async Task A_month_has_its_figures_and_the_view_shows_the_same_for_it()
    {
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        var ofMonth = (await conn.QueryAsync<Row>($"select {Columns} from reporting.indicator_result_of('2026-10-01') order by rep_id, indicator")).ToList();
        var view = (await conn.QueryAsync<Row>($"select {Columns} from reporting.indicator_result where period = '2026-10-01' order by rep_id, indicator")).ToList();
        Assert.Equal(view, ofMonth);
        Assert.Equal(
        [
            new Row("R1", "collection_rate", 90, 90, 100m, 0, 95, -5, 85, 5),
            new Row("R1", "revenue", 120, 100, 120m, 20, 100, 20, 80, 50),
            new Row("R2", "revenue", 30, null, null, null, null, null, null, null),
            new Row("R3", "negotiation_cycle", 25, 30, 120m, -5, 20, 25, null, null),
            new Row("R3", "visits", 7, null, null, null, 0, null, null, null),
        ], ofMonth);
    }
}
