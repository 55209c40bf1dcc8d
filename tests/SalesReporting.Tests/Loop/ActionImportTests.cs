using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SalesReporting.Data;
using SalesReporting.Data.Actions;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Worker.Jobs;
using static SalesReporting.Tests.Import.TabularFileTests;

namespace SalesReporting.Tests.Loop;

/// <summary>`import actions` and `import reasons`: all or nothing, errors naming row and column, re-import updates.</summary>
public sealed class ActionImportTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private IHost host = null!;
    private readonly string dir = Directory.CreateTempSubdirectory("sr-loop-import-").FullName;
    private const string Header = "rep_id,period,problem,root_cause,cause_category,action,owner_name,owner_email,due_on,checkpoint_on,support_needed";

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync("sr_loop_import");
        await LoopSetup.SeedAsync(db);
        host = db.BuildHost(new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.Combine(dir, "mail") },
            new FixedClock(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    public async Task DisposeAsync()
    {
        host.Dispose();
        await db.DisposeAsync();
        Directory.Delete(dir, true);
    }

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    private Task<IReadOnlyList<ActionRecord>> Import(string path) => host.Services.GetRequiredService<ActionImport>().ImportAsync(path, default);

    private async Task<List<(string, string, DateOnly, DateOnly?, string)>> Stored()
    {
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        return (await conn.QueryAsync<(string, string, DateOnly, DateOnly?, string)>(
            "select rep_id, problem, due_on, checkpoint_on, cause_category from reporting.improvement_action order by id")).ToList();
    }

    [Fact]
    public async Task One_bad_row_rejects_the_whole_file_naming_row_and_column_and_nothing_is_written()
    {
        var path = Write("actions.csv", Header,
            "R1,2026-10,回款慢,客户B 付款流程长,market,每周跟进客户B财务,李明,r1@x.example,2026-11-10,2026-11-05,财务协助",
            "R2,2026-10,线索少,渠道单一,人,参加行业展会,张伟,r2@x.example,2026-11-30,,",
            "R9,2026-10,客单价低,产品组合单一,weather,推高端套餐,王经理,mgr1@x.example,2026/11/20,2026-11-25,",
            "R1,2026-10,回款慢,重复,product,x,李明,r1@x.example,2026-11-10,,");
        var ex = await Assert.ThrowsAsync<ImportRejectedException>(() => Import(path));
        Assert.Equal([
            "actions.csv: row 4, column 'rep_id' ('R9'): unknown rep (not in the CRM's reps)",
            "actions.csv: row 4, column 'cause_category' ('weather'): expected people, product or market (人, 貨 or 場)",
            "actions.csv: row 4, column 'due_on' ('2026/11/20'): expected a date YYYY-MM-DD",
            "actions.csv: row 5, column 'problem' ('回款慢'): duplicate of row 2 (same rep, period and problem)"], ex.Errors.Select(e => e.ToString()));
        Assert.Empty(await Stored());

        var header = await Assert.ThrowsAsync<ImportRejectedException>(() => Import(Write("h.csv", "rep,period,problem", "R1,2026-10,x")));
        Assert.StartsWith("wrong header; expected rep_id,period,problem,root_cause", header.Errors.Single().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reimporting_the_same_rep_period_and_problem_updates_that_action_and_moves_its_follow_ups()
    {
        var first = await Import(Write("a.csv", Header,
            "R1,2026-10,回款慢,客户B 付款流程长,market,每周跟进客户B财务,李明,r1@x.example,2026-11-10,2026-11-05,财务协助",
            "R2,2026-10,线索少,渠道单一,人,参加行业展会,张伟,r2@x.example,2026-11-30,,"));
        var scheduler = host.Services.GetRequiredService<FollowUpScheduler>();
        Assert.Equal(3, await scheduler.ScheduleAsync(first, default));

        var second = await Import(Write("b.csv", Header + ",indicator",
            "R1,2026-10,回款慢,客户B 审批慢,market,请客户B 提前审批,李明,r1@x.example,2026-11-20,2026-11-12,,collection_rate"));
        Assert.Equal(first[0].Id, second.Single().Id);
        Assert.Equal("collection_rate", second.Single().Indicator);
        Assert.Equal(2, await scheduler.ScheduleAsync(second, default));
        Assert.Equal([("R1", "回款慢", new DateOnly(2026, 11, 20), (DateOnly?)new DateOnly(2026, 11, 12), "market"),
                      ("R2", "线索少", new DateOnly(2026, 11, 30), null, "people")], await Stored());
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal([(first[0].Id, "checkpoint", new DateOnly(2026, 11, 12)), (first[0].Id, "due", new DateOnly(2026, 11, 20)), (first[1].Id, "due", new DateOnly(2026, 11, 30))],
            await conn.QueryAsync<(long, string, DateOnly)>("select action_id, kind, scheduled_for from reporting.follow_up_job order by action_id, kind"));

        // A verdict belongs to the due date and indicator it was drawn from: the same row again keeps it,
        // another indicator drops it.
        await conn.ExecuteAsync("update reporting.improvement_action set effectiveness = 'improved' where id = @id", new { id = first[0].Id });
        const string row = "R1,2026-10,回款慢,客户B 审批慢,market,请客户B 提前审批,李明,r1@x.example,2026-11-20,2026-11-12,,";
        await Import(Write("c.csv", Header + ",indicator", row + "collection_rate"));
        Assert.Equal("improved", await conn.ExecuteScalarAsync<string>("select effectiveness from reporting.improvement_action where id = @id", new { id = first[0].Id }));
        await Import(Write("d.csv", Header + ",indicator", row + "revenue"));
        Assert.Null(await conn.ExecuteScalarAsync<string?>("select effectiveness from reporting.improvement_action where id = @id", new { id = first[0].Id }));
    }

    [Fact]
    public async Task An_xlsx_with_the_same_columns_imports_with_dates_typed_as_dates()
    {
        var columns = Header.Split(',');
        string Col(int i) => ((char)('A' + i)).ToString();
        var path = WriteXlsx(Path.Combine(dir, "actions.xlsx"), "改进计划", [
            columns.Select((c, i) => new XCell(Col(i) + "1", c)).ToArray(),
            [new("A2", "R3"), new("B2", "2026-10"), new("C2", "客單價低"), new("D2", "產品組合單一"), new("E2", "貨"), new("F2", "推高端套餐"),
             new("G2", "林志玲"), new("H2", "r3@x.example"), new("I2", 46346, 1), new("J2", 46336, 1)],
        ]);
        var imported = await Import(path);
        Assert.Equal([("R3", "客單價低", new DateOnly(2026, 11, 20), (DateOnly?)new DateOnly(2026, 11, 10), "product")], await Stored());
        Assert.Single(imported);

        var bad = WriteXlsx(Path.Combine(dir, "bad.xlsx"), "改进计划", [
            columns.Select((c, i) => new XCell(Col(i) + "1", c)).ToArray(),
            [new("A2", "R3"), new("B2", "2026-10"), new("C2", "x"), new("D2", "y"), new("E2", "market"), new("F2", "z"),
             new("G2", "林志玲"), new("H2", "not-an-email"), new("I2", 46346, 1)],
        ]);
        var ex = await Assert.ThrowsAsync<ImportRejectedException>(() => Import(bad));
        Assert.Equal("bad.xlsx, sheet '改进计划': row 2, column 'owner_email' ('not-an-email'): not an email address", ex.Errors.Single().ToString());
    }

    [Fact]
    public async Task Reasons_import_all_or_nothing_and_replace_the_draft()
    {
        var import = host.Services.GetRequiredService<ReasonImport>();
        var bad = Write("reasons.csv", "rep_id,period,indicator,reason", "R1,2026-10,revenue,客户A 延期下单", "R1,2026-10,nonsense,x");
        var ex = await Assert.ThrowsAsync<ImportRejectedException>(() => import.ImportAsync(bad, default));
        Assert.Equal("row 3, column 'indicator'", $"row {ex.Errors.Single().Row}, column '{ex.Errors.Single().Column}'");
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>("select count(*) from reporting.anomaly_reason"));

        Assert.Equal(1, await import.ImportAsync(Write("ok.csv", "rep_id,period,indicator,reason", "R1,2026-10,revenue,客户A 延期下单"), default));
        Assert.Equal(("客户A 延期下单", "import:ok.csv"), await conn.QuerySingleAsync<(string, string)>("select reason, written_by from reporting.anomaly_reason"));
    }

    [Fact]
    public async Task Gb18030_reasons_without_bom_are_stored_as_the_chinese_text_written()
    {
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        var path = Path.Combine(dir, "原因.csv");
        // Excel's "CSV (comma delimited)" on simplified Chinese Windows: code page 936, no byte order mark.
        await File.WriteAllTextAsync(path, "rep_id,period,indicator,reason\r\nR1,2026-10,revenue,客户A 延期下单，财务审批慢\r\n", System.Text.Encoding.GetEncoding("GB18030"));

        Assert.Equal(1, await host.Services.GetRequiredService<ReasonImport>().ImportAsync(path, default));

        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal("客户A 延期下单，财务审批慢", await conn.QuerySingleAsync<string>("select reason from reporting.anomaly_reason"));
    }

    [Fact]
    public async Task Actions_in_big5_named_with_encoding_are_stored_as_written()
    {
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        var path = Path.Combine(dir, "actions.csv");
        await File.WriteAllTextAsync(path, Header + "\nR1,2026-10,回款慢,客戶付款流程長,market,每週跟進客戶財務,李明,r1@x.example,2026-11-10,2026-11-05,\n",
            System.Text.Encoding.GetEncoding("big5"));

        await host.Services.GetRequiredService<ActionImport>().ImportAsync(path, default, encoding: "big5");

        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(("回款慢", "客戶付款流程長", "每週跟進客戶財務"), await conn.QuerySingleAsync<(string, string, string)>(
            "select problem, root_cause, action from reporting.improvement_action"));
    }

    [Fact]
    public async Task A_date_of_9999_12_31_or_a_month_of_2999_is_refused_at_the_check_with_row_and_column_and_nothing_is_written()
    {
        // Today is 2026-11-01 in Shanghai: an action is for 2000-01 to 2027-11, its dates within two years of its month.
        var path = Write("far.csv", Header,
            "R1,2026-10,回款慢,客户B 付款流程长,market,每周跟进客户B财务,李明,r1@x.example,9999-12-31,,",
            "R2,2026-10,线索少,渠道单一,人,参加行业展会,张伟,r2@x.example,2026-11-30,9999-12-30,",
            "R2,2999-12,客单价低,产品组合单一,market,推高端套餐,王经理,mgr1@x.example,9999-12-31,,",
            "R1,1900-01,拜访少,x,market,y,李明,r1@x.example,2026-11-30,,",
            "R1,2026-10,边界,x,market,y,李明,r1@x.example,2028-10-31,2028-10-30,");
        var ex = await Assert.ThrowsAsync<ImportRejectedException>(() => Import(path));
        Assert.Equal([
            "far.csv: row 2, column 'due_on' ('9999-12-31'): more than 2 years after the action's period 2026-10; expected a date by 2028-10-31",
            "far.csv: row 3, column 'checkpoint_on' ('9999-12-30'): after the due date",
            "far.csv: row 4, column 'period' ('2999-12'): not a plausible month; expected one from 2000-01 to 2027-11 (a year from today)",
            "far.csv: row 5, column 'period' ('1900-01'): not a plausible month; expected one from 2000-01 to 2027-11 (a year from today)",
        ], ex.Errors.Select(e => e.ToString()));
        Assert.Empty(await Stored());
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.follow_up_job"));
    }

    [Fact]
    public async Task When_the_work_after_the_write_fails_no_action_is_kept_without_its_follow_ups()
    {
        var path = Write("unit.csv", Header, "R1,2026-10,回款慢,客户B 付款流程长,market,每周跟进客户B财务,李明,r1@x.example,2026-11-10,2026-11-05,");
        var scheduler = host.Services.GetRequiredService<FollowUpScheduler>();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Services.GetRequiredService<ActionImport>().ImportAsync(path, default,
            alsoInTransaction: async (rows, conn, tx) =>
            {
                Assert.Equal(2, (await scheduler.ScheduleAsync(rows, conn, tx, default)).Scheduled);
                throw new InvalidOperationException("the job storage went away");
            }));
        Assert.Equal("the job storage went away", ex.Message);
        Assert.Empty(await Stored());
        await using var check = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(0L, await check.ExecuteScalarAsync<long>("select count(*) from reporting.follow_up_job"));

        // The same file in one unit that succeeds: the action and both of its jobs.
        var imported = await host.Services.GetRequiredService<ActionImport>().ImportAsync(path, default,
            alsoInTransaction: async (rows, conn, tx) => await scheduler.ScheduleAsync(rows, conn, tx, default));
        Assert.Equal(["checkpoint", "due"], await check.QueryAsync<string>("select kind from reporting.follow_up_job where action_id = @id order by kind", new { id = imported[0].Id }));
    }
}
