using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using SalesReporting.Data;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Sources;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Indicators;

/// <summary>What the parallel compute keeps from the one-by-one one: a bad catalog query fails alone, values stay tied to the catalog.</summary>
public sealed class IndicatorCatalogGuardTests() : HostedDatabaseTest("sr_catalog_guard", new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.GetTempPath(), ["Indicators:Parallelism"] = "3" })
{
    private static readonly Period October = new(2026, 10);

    protected override async Task SeedAsync()
    {
        await new Seed(db.Databases)
            .Team("T1", "一组", "华东", "王经理", "wang@x.example", "zh-CN")
            .Rep("R1", "T1", "甲", "r1@x.example").Rep("R2", "T1", "乙", "r2@x.example")
            .Activity("A1", "R1", "C1", "visit", "2026-10-03 10:00+08", subject: "visit")
            .Activity("A2", "R1", "C1", "visit", "2026-10-04 10:00+08", subject: "visit")
            .WriteAsync();
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        await new Seed(db.Databases)
            .Indicator("twice", "重复", "重複", "Twice", 300, "select rep_id, 1 as value from staging.activities")
            .Indicator("no_value", "无值", "無值", "No value", 310, "select rep_id, 1 as amount from staging.reps")
            .WriteAsync();
    }

    [Fact]
    public async Task The_sample_forms_carry_the_catalogs_names_and_key_indicators()
    {
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        var catalog = (await conn.QueryAsync<(string Code, string ZhCn, string ZhTw, string En, int? SummaryOrder)>(
            "select code, name_zh_cn, name_zh_tw, name_en, summary_order from reporting.indicator")).ToDictionary(c => c.Code);
        foreach (var (code, sample) in Demo.SampleForms.Catalog)
            Assert.Equal((catalog[code].ZhCn, catalog[code].ZhTw, catalog[code].En, (int?)sample.SummaryOrder),
                (sample.ZhCn, sample.ZhTw, sample.En, catalog[code].SummaryOrder));
    }

    [Fact]
    public async Task A_query_returning_a_rep_twice_or_without_a_value_column_fails_alone_and_names_the_reason()
    {
        var result = await host.Services.GetRequiredService<IndicatorCompute>().ComputeAsync(October, default);

        Assert.Equal(["no_value", "twice"], result.Errors.Select(e => e.Indicator).Order());
        Assert.Equal("query returned rep R1 2 times; it must return one row per rep", result.Errors.Single(e => e.Indicator == "twice").Error);
        Assert.Equal("query must return the columns rep_id and value (it returns rep_id, amount)", result.Errors.Single(e => e.Indicator == "no_value").Error);
        Assert.Equal(12 * 2, result.Values); // the twelve default indicators for both reps
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(2m, await conn.ExecuteScalarAsync<decimal>("select actual from reporting.indicator_value where period = '2026-10-01' and indicator = 'visits' and rep_id = 'R1'"));
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.indicator_value where indicator in ('twice', 'no_value')"));
        Assert.Equal(["no_value", "twice"], (await conn.QueryAsync<string>("select indicator from reporting.compute_error where period = '2026-10-01' order by 1")).ToList());
    }

    [Fact]
    public async Task An_indicator_with_computed_values_cannot_be_deleted_or_renamed_but_one_without_can()
    {
        await host.Services.GetRequiredService<IndicatorCompute>().ComputeAsync(October, default);
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();

        var delete = await Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteAsync("delete from reporting.indicator where code = 'visits'"));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, delete.SqlState);
        Assert.Contains("indicator visits has computed values", delete.MessageText, StringComparison.Ordinal);
        var rename = await Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteAsync("update reporting.indicator set code = 'visits_2' where code = 'visits'"));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, rename.SqlState);

        Assert.Equal(1, await conn.ExecuteAsync("update reporting.indicator set name_en = 'Visits (all)' where code = 'visits'"));
        Assert.Equal(1, await conn.ExecuteAsync("delete from reporting.indicator where code = 'no_value'"));
    }
}
