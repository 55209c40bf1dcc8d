using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SalesReporting.Data;
using SalesReporting.Data.Actions;
using SalesReporting.Data.Targets;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Import;

/// <summary>
/// `import targets` and `import actions` before the first `sync`: a rep that is in the CRM is accepted (checked against
/// the CRM's reps as a sync would stage them, nothing of that check kept); "not in the CRM" is said only of a rep the CRM
/// lacks, and a rep the sync would quarantine is named with the reason.
/// </summary>
public sealed class ImportBeforeFirstSyncTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private IHost host = null!;
    private readonly string dir = Directory.CreateTempSubdirectory("sr-first-import-").FullName;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync("sr_first_import");
        host = db.BuildHost(new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.Combine(dir, "mail") },
            new FixedClock(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.FromHours(8))));
        await new Seed(db.Databases)
            .Team("T1", "一组", "华东", "王经理", "wang@x.example", "zh-CN")
            .Rep("R001", "T1", "甲", "r1@x.example")
            .Rep("R002", "T1", "乙", "r2@x.example")
            .Rep("R003", "T1", "丙", "no address")
            .WriteAsync();
    }

    public async Task DisposeAsync()
    {
        host.Dispose();
        await db.DisposeAsync();
        Directory.Delete(dir, true);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task AssertStagingUntouchedAsync()
    {
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from staging.reps"));
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from staging.teams"));
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from staging.sync_run"));
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from staging.quarantine"));
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from staging.watermark"));
    }

    [Fact]
    public async Task Targets_of_reps_in_the_CRM_are_imported_before_the_first_sync_and_staging_is_left_to_sync()
    {
        var count = await host.Services.GetRequiredService<TargetImport>().ImportAsync(
            Write("targets.csv", "rep_id,period,indicator,target\nR001,2026-10,revenue,100\nR002,2026-10,revenue,90\n"), default);
        Assert.Equal(2, count);
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal([("R001", 100m), ("R002", 90m)], await conn.QueryAsync<(string, decimal)>("select rep_id, target from reporting.target order by rep_id"));
        await AssertStagingUntouchedAsync();
    }

    [Fact]
    public async Task A_rep_the_CRM_lacks_is_unknown_and_one_the_sync_would_quarantine_is_named_with_its_reason()
    {
        var ex = await Assert.ThrowsAsync<ImportRejectedException>(() => host.Services.GetRequiredService<TargetImport>().ImportAsync(
            Write("targets.csv", "rep_id,period,indicator,target\nR001,2026-10,revenue,100\nR003,2026-10,revenue,90\nR404,2026-10,revenue,80\n"), default));
        Assert.Equal(
        [
            "targets.csv: row 3, column 'rep_id' ('R003'): the CRM's rep is quarantined at sync (missing or invalid email); correct it in the CRM, then sync",
            "targets.csv: row 4, column 'rep_id' ('R404'): unknown rep (not in the CRM's reps)",
        ], ex.Errors.Select(e => e.ToString()));
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.target"));
        await AssertStagingUntouchedAsync();
    }

    [Fact]
    public async Task Actions_of_reps_in_the_CRM_are_imported_before_the_first_sync()
    {
        var actions = await host.Services.GetRequiredService<ActionImport>().ImportAsync(Write("actions.csv",
            "rep_id,period,problem,root_cause,cause_category,action,owner_name,owner_email,due_on,checkpoint_on,support_needed\n" +
            "R002,2026-10,回款慢,客户B 付款流程长,market,每周跟进客户B财务,李明,r2@x.example,2026-12-10,2026-12-05,\n"), default);
        Assert.Equal(["R002"], actions.Select(a => a.RepId));
        await AssertStagingUntouchedAsync();
    }

    [Fact]
    public async Task A_rep_staged_by_an_earlier_sync_is_still_accepted_and_a_new_one_in_the_CRM_too()
    {
        await host.Services.GetRequiredService<SalesReporting.Data.Sources.SourceSync>().RunAsync(default);
        await new Seed(db.Databases).Rep("R004", "T1", "丁", "r4@x.example", "2026-11-01").WriteAsync();

        var ex = await Assert.ThrowsAsync<ImportRejectedException>(() => host.Services.GetRequiredService<TargetImport>().ImportAsync(
            Write("targets.csv", "rep_id,period,indicator,target\nR001,2026-11,revenue,100\nR004,2026-11,revenue,90\nR003,2026-11,revenue,80\n"), default));
        // R003 was quarantined by the sync and has not changed since: still named with the reason, not called unknown.
        Assert.Equal(["targets.csv: row 4, column 'rep_id' ('R003'): the CRM's rep is quarantined at sync (missing or invalid email); correct it in the CRM, then sync"],
            ex.Errors.Select(e => e.ToString()));
        Assert.Equal(2, await host.Services.GetRequiredService<TargetImport>().ImportAsync(
            Write("targets2.csv", "rep_id,period,indicator,target\nR001,2026-11,revenue,100\nR004,2026-11,revenue,90\n"), default));
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(["R001", "R002"], await conn.QueryAsync<string>("select rep_id from staging.reps order by 1")); // R004 waits for the next sync
    }
}
