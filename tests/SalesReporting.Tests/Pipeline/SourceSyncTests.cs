using Dapper;
using Microsoft.Extensions.DependencyInjection;
using SalesReporting.Data;
using SalesReporting.Data.Sources;
using SalesReporting.Data.Targets;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Pipeline;

public sealed class SourceSyncTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private Microsoft.Extensions.Hosting.IHost host = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync("sr_sync");
        host = db.BuildHost(new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.GetTempPath(), ["Sources:OverlapMinutes"] = "0" });
        await new Seed(db.Databases)
            .Team("T1", "一组", "华东", "王经理", "wang@x.example", "zh-CN")
            .Rep("R1", "T1", "甲", "r1@x.example")
            .Rep("R2", "NOPE", "乙", "r2@x.example")
            .Activity("A1", "R1", "C1", "visit", "2026-10-31 23:30+08", subject: "ok")
            .Activity("A2", "R9", "C1", "visit", "2026-10-05 10:00+08", subject: "unknown rep")
            .Activity("A3", "R1", "C1", "teleport", "2026-10-05 10:00+08", subject: "bad kind")
            // Answered now (the SQL said now(); the builder takes the instant from here).
            .Survey("S1", "C1", "R1", 7, DateTimeOffset.UtcNow)
            .Invoice("I1", "C1", "R1", "2026-10-02", "2026-11-01", 1000, 600)
            .Invoice("I2", "C1", "R1", "2026-10-02", "2026-11-01", -5, 0)
            .Payment("P1", "I1", "2026-10-20", 500).Payment("P2", "I404", "2026-10-20", 10)
            .WriteAsync();
    }

    public async Task DisposeAsync()
    {
        host.Dispose();
        await db.DisposeAsync();
    }

    [Fact]
    public async Task Bad_source_rows_are_quarantined_with_their_reason_and_the_good_rows_are_staged()
    {
        var result = await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        Assert.Equal(6, result.Quarantined);
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        var q = (await conn.QueryAsync<(string Source, string Key, string Reason)>(
            "select source, source_key, reason from staging.quarantine order by source, source_key")).ToList();
        Assert.Equal(
        [
            ("crm.activities", "A2", "unknown rep"),
            ("crm.activities", "A3", "unknown kind"),
            ("crm.reps", "R2", "unknown team"),
            ("crm.surveys", "S1", "score out of range 1..5"),
            ("finance.invoices", "I2", "missing or negative amount"),
            ("finance.payments", "P2", "payment for unknown invoice"),
        ], q);
        Assert.Equal("R9", await conn.ExecuteScalarAsync<string>("select raw->>'rep_id' from staging.quarantine where source_key = 'A2'"));
        Assert.Equal(["A1"], await conn.QueryAsync<string>("select activity_id from staging.activities"));
        Assert.Equal(["I1"], await conn.QueryAsync<string>("select invoice_id from staging.invoices"));
        Assert.Equal(["P1"], await conn.QueryAsync<string>("select payment_id from staging.payments"));
        Assert.Equal(6L, await conn.ExecuteScalarAsync<long>("select rows_quarantined from staging.sync_run where id = @id", new { id = result.RunId }));

        // A second run pulls only what changed since the watermark: the fixed activity, nothing else.
        var again = await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        Assert.Equal(0, again.Read);
        await using (var crm = await db.Databases.Crm.OpenConnectionAsync())
            await crm.ExecuteAsync("update crm.activities set kind = 'visit', updated_at = now() + interval '1 second' where activity_id = 'A3'");
        var third = await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        Assert.Equal((1, 1, 0), (third.Read, third.Upserted, third.Quarantined));
        Assert.Equal(["A1", "A3"], await conn.QueryAsync<string>("select activity_id from staging.activities order by 1"));
    }

    [Fact]
    public async Task A_first_pull_into_empty_tables_builds_their_other_indexes_after_the_rows_and_a_later_pull_keeps_them()
    {
        // Every pull of a row or more counts as large here, so the seeded tables take the first-pull path.
        using var eager = db.BuildHost(new Dictionary<string, string?>
        {
            ["Mail:PickupDirectory"] = Path.GetTempPath(), ["Sources:OverlapMinutes"] = "0", ["Sources:FirstPullIndexRows"] = "1",
        });
        var sync = eager.Services.GetRequiredService<SourceSync>();
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        const string indexes = """
            select c.relname as "Table", i.indexrelid::int8 as "Oid", pg_get_indexdef(i.indexrelid) as "Definition",
                   exists (select 1 from pg_constraint k where k.conindid = i.indexrelid) as "Constraint"
            from pg_index i join pg_class c on c.oid = i.indrelid
            where c.relnamespace = 'staging'::regnamespace order by 1, 3
            """;
        var before = (await conn.QueryAsync<StagingIndex>(indexes)).ToList();

        var result = await sync.RunAsync(default);
        var after = (await conn.QueryAsync<StagingIndex>(indexes)).ToList();

        // The same rows staged and quarantined as by a pull that keeps its indexes (the test above), ...
        Assert.Equal(6, result.Quarantined);
        Assert.Equal(["A1"], await conn.QueryAsync<string>("select activity_id from staging.activities"));
        // ... every index there again with its definition, the key's as the table's primary key; the activities' (rows were
        // pulled into the empty table) built anew, the key's too; a table nothing was pulled into left alone.
        Assert.Equal(before.Select(i => (i.Table, i.Definition, i.Constraint)), after.Select(i => (i.Table, i.Definition, i.Constraint)));
        var activities = before.Zip(after).Where(p => p.First.Table == "activities").ToList();
        Assert.Contains(activities, p => p.First.Constraint);
        Assert.Contains(activities, p => !p.First.Constraint);
        Assert.All(activities, p => Assert.NotEqual(p.First.Oid, p.Second.Oid));
        Assert.Equal("PRIMARY KEY (activity_id)", await conn.ExecuteScalarAsync<string>(
            "select pg_get_constraintdef(oid) from pg_constraint where conrelid = 'staging.activities'::regclass and contype = 'p'"));
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from staging.opportunities"));
        Assert.All(before.Zip(after).Where(p => p.First.Table == "opportunities"), p => Assert.Equal(p.First.Oid, p.Second.Oid));

        // A later pull into a table that has rows enters them into its indexes as they stand.
        await using (var crm = await db.Databases.Crm.OpenConnectionAsync())
            await crm.ExecuteAsync("update crm.activities set kind = 'visit', updated_at = now() + interval '1 second' where activity_id = 'A3'");
        var later = await sync.RunAsync(default);
        Assert.Equal((1, 1, 0), (later.Read, later.Upserted, later.Quarantined));
        Assert.Equal(after.Select(i => i.Oid), (await conn.QueryAsync<StagingIndex>(indexes)).Select(i => i.Oid));
        Assert.Equal(["A1", "A3"], await conn.QueryAsync<string>("select activity_id from staging.activities order by 1"));
    }

    private sealed record StagingIndex(string Table, long Oid, string Definition, bool Constraint);

    [Theory]
    // the ordinary pull, checked by a window over the batch's keys; and a first pull, whose key's index finds the duplicate
    // (two copies staged, or a quarantined copy's key staged or quarantined again) and sends the batch the ordinary way
    [InlineData(100_000, "good twice")]
    [InlineData(1, "good twice")]
    [InlineData(100_000, "good and bad")]
    [InlineData(1, "good and bad")]
    [InlineData(100_000, "bad twice")]
    [InlineData(1, "bad twice")]
    public async Task A_key_twice_in_one_pull_quarantines_every_copy_and_a_null_key_its_row_whichever_way_the_rows_are_staged(long firstPullRows, string copies)
    {
        var queries = Directory.CreateTempSubdirectory("sr-queries-");
        try
        {
            foreach (var f in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "sql", "extract")))
                File.Copy(f, Path.Combine(queries.FullName, Path.GetFileName(f)));
            // A view that repeats a row (a join gone wrong) and loses a key: a second copy of A1 (a good row) as it is or with a
            // bad kind, or of A3 (a bad kind already), and a copy of A1 with no id.
            const string columns = "rep_id, customer_id, occurred_at, duration_minutes, with_decision_maker, need_identified, subject, progress, support_needed, updated_at";
            var (id, kind) = copies switch { "good twice" => ("A1", "kind"), "good and bad" => ("A1", "'teleport'"), _ => ("A3", "kind") };
            File.WriteAllText(Path.Combine(queries.FullName, "crm.activities.sql"), $"""
                select activity_id, kind, {columns} from crm.activities where updated_at > @since
                union all select activity_id, {kind}, {columns} from crm.activities where activity_id = '{id}' and updated_at > @since
                union all select null, kind, {columns} from crm.activities where activity_id = 'A1' and updated_at > @since
                """);
            using var host2 = db.BuildHost(new Dictionary<string, string?>
            {
                ["Mail:PickupDirectory"] = Path.GetTempPath(), ["Sources:OverlapMinutes"] = "0", ["Sources:QueryDirectory"] = queries.FullName,
                ["Sources:FirstPullIndexRows"] = firstPullRows.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
            const string keyIndex = "select conindid::int8 from pg_constraint where conrelid = 'staging.activities'::regclass and contype = 'p'";
            var keyIndexBefore = await conn.ExecuteScalarAsync<long>(keyIndex);
            var result = await host2.Services.GetRequiredService<SourceSync>().RunAsync(default);
            // A first pull built the key's index anew; an ordinary pull entered its rows into the one there.
            Assert.Equal(firstPullRows == 1, await conn.ExecuteScalarAsync<long>(keyIndex) != keyIndexBefore);

            var quarantine = (await conn.QueryAsync<(string?, string, string)>("""
                select source_key, reason, raw->>'kind' from staging.quarantine where source = 'crm.activities' order by source_key, raw->>'kind'
                """)).ToList();
            (string?, string, string)[] expected = copies switch
            {
                "good twice" => [("A1", "duplicated id in one batch", "visit"), ("A1", "duplicated id in one batch", "visit"), ("A2", "unknown rep", "visit"), ("A3", "unknown kind", "teleport")],
                "good and bad" => [("A1", "duplicated id in one batch", "teleport"), ("A1", "duplicated id in one batch", "visit"), ("A2", "unknown rep", "visit"), ("A3", "unknown kind", "teleport")],
                _ => [("A2", "unknown rep", "visit"), ("A3", "duplicated id in one batch", "teleport"), ("A3", "duplicated id in one batch", "teleport")],
            };
            Assert.Equal([.. expected, (null, "null key", "visit")], quarantine);
            var staged = copies == "bad twice" ? new[] { "A1" } : [];
            Assert.Equal(staged, await conn.QueryAsync<string>("select activity_id from staging.activities"));
            Assert.Equal((5L, staged.Length, 5L - staged.Length),
                result.Tables.Where(t => t.Source == "crm.activities").Select(t => (t.Read, t.Upserted, t.Quarantined)).Single());
            // The key is the table's primary key again after either path; the other tables' bad rows quarantined as ever.
            Assert.Equal("PRIMARY KEY (activity_id)", await conn.ExecuteScalarAsync<string>(
                "select pg_get_constraintdef(oid) from pg_constraint where conrelid = 'staging.activities'::regclass and contype = 'p'"));
            Assert.Equal(4L, result.Quarantined - (5L - staged.Length));
        }
        finally { queries.Delete(true); }
    }

    [Fact]
    public void Each_table_is_pulled_after_the_tables_its_checks_read()
    {
        Assert.Equal(
        [
            ("teams", ""), ("reps", "teams"), ("customers", "reps"), ("leads", "reps"), ("activities", "reps"), ("opportunities", "reps"),
            ("surveys", "reps"), ("invoices", "reps"), ("payments", "invoices"),
        ], SourceTables.All.Select(t => (t.Name, string.Join(",", t.Reads))));
        // In dependency order, as the sync's preview and a one-lane sync take them.
        Assert.All(SourceTables.All.Select((t, i) => (t, i)), x =>
            Assert.All(x.t.Reads, r => Assert.True(SourceTables.All.ToList().FindIndex(o => o.Name == r) < x.i, $"{x.t.Name} reads {r}, listed after it")));
    }

    [Fact]
    public async Task A_table_that_fails_fails_the_sync_with_its_own_error_and_the_tables_after_it_do_not_start()
    {
        var queries = Directory.CreateTempSubdirectory("sr-queries-");
        try
        {
            foreach (var f in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "sql", "extract")))
                File.Copy(f, Path.Combine(queries.FullName, Path.GetFileName(f)));
            File.WriteAllText(Path.Combine(queries.FullName, "finance.invoices.sql"), "select no_such_column from finance.invoices where updated_at > @since");
            using var broken = db.BuildHost(new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.GetTempPath(), ["Sources:QueryDirectory"] = queries.FullName });
            var failed = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => broken.Services.GetRequiredService<SourceSync>().RunAsync(default));
            Assert.Contains("no_such_column", failed.MessageText, StringComparison.Ordinal);
            await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
            // payments waits for invoices, which failed: nothing of it is staged, and no watermark moved for either.
            Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from staging.payments"));
            Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from staging.quarantine where source = 'finance.payments'"));
            Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from staging.watermark where source in ('finance.invoices', 'finance.payments')"));
            Assert.Equal(["R1"], await conn.QueryAsync<string>("select rep_id from staging.reps"));
        }
        finally
        {
            queries.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_query_that_lacks_columns_is_named_with_what_it_must_return_and_one_that_ends_in_a_semicolon_and_a_comment_runs()
    {
        var queries = Directory.CreateTempSubdirectory("sr-queries-");
        try
        {
            foreach (var f in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "sql", "extract")))
                File.Copy(f, Path.Combine(queries.FullName, Path.GetFileName(f)));
            // Columns in another order and types (varchar, a bigint amount), an @since in a string and a comment left alone.
            File.WriteAllText(Path.Combine(queries.FullName, "finance.payments.sql"), """
                -- payments since @since
                select amount::bigint as amount, updated_at, received_on, invoice_id::varchar(20) as invoice_id, payment_id, '@since' as note
                from finance.payments where updated_at > @since; -- the end
                """);
            File.WriteAllText(Path.Combine(queries.FullName, "finance.invoices.sql"), "select invoice_id, customer_id from finance.invoices where updated_at > @since");
            using var broken = db.BuildHost(new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.GetTempPath(), ["Sources:QueryDirectory"] = queries.FullName });
            var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => broken.Services.GetRequiredService<SourceSync>().RunAsync(default));
            Assert.Equal("Extraction query for finance.invoices returns no column 'rep_id', 'opportunity_id', 'issued_on', 'due_on', 'amount', 'cost_amount', 'status', "
                + "'updated_at'; it must return invoice_id, customer_id, rep_id, opportunity_id, issued_on, due_on, amount, cost_amount, status, updated_at.", failed.Message);

            // A column twice, and a time without its zone, named the same way.
            var invoices = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "sql", "extract", "finance.invoices.sql"));
            File.WriteAllText(Path.Combine(queries.FullName, "finance.invoices.sql"), invoices.Replace("select invoice_id,", "select rep_id, invoice_id,", StringComparison.Ordinal));
            failed = await Assert.ThrowsAsync<InvalidOperationException>(() => broken.Services.GetRequiredService<SourceSync>().RunAsync(default));
            Assert.StartsWith("Extraction query for finance.invoices returns 'rep_id' more than once; it must return invoice_id,", failed.Message, StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(queries.FullName, "finance.invoices.sql"), invoices.Replace("status, updated_at", "status, updated_at::timestamp as updated_at", StringComparison.Ordinal));
            failed = await Assert.ThrowsAsync<InvalidOperationException>(() => broken.Services.GetRequiredService<SourceSync>().RunAsync(default));
            Assert.StartsWith("Extraction query for finance.invoices returns 'updated_at' as a timestamp without time zone (cast it with its zone: timestamptz);",
                failed.Message, StringComparison.Ordinal);

            // A query that fails part-way through its rows: its own error, nothing of the table staged, its watermark unmoved.
            File.WriteAllText(Path.Combine(queries.FullName, "finance.invoices.sql"), invoices.Replace("where updated_at > @since",
                "where updated_at > @since and 1 / (case when invoice_id = 'I2' then 0 else 1 end) = 1", StringComparison.Ordinal));
            var midway = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => broken.Services.GetRequiredService<SourceSync>().RunAsync(default));
            Assert.Equal(Npgsql.PostgresErrorCodes.DivisionByZero, midway.SqlState);
            await using (var check = await db.Databases.Reporting.OpenConnectionAsync())
            {
                Assert.Equal(0L, await check.ExecuteScalarAsync<long>("select count(*) from staging.invoices"));
                Assert.Equal(0L, await check.ExecuteScalarAsync<long>("select count(*) from staging.watermark where source = 'finance.invoices'"));
            }

            File.WriteAllText(Path.Combine(queries.FullName, "finance.invoices.sql"), invoices);
            var result = await broken.Services.GetRequiredService<SourceSync>().RunAsync(default);
            Assert.Equal((2L, 1L, 1L), result.Tables.Where(t => t.Source == "finance.payments").Select(t => (t.Read, t.Upserted, t.Quarantined)).Single());
            await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
            Assert.Equal(("I1", new DateOnly(2026, 10, 20), 500m), await conn.QuerySingleAsync<(string, DateOnly, decimal)>(
                "select invoice_id, received_on, amount from staging.payments where payment_id = 'P1'"));
        }
        finally
        {
            queries.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_row_pulled_again_unchanged_in_the_overlap_is_not_written_again_and_a_changed_one_is()
    {
        // The default overlap: each pull reads again the 5 minutes before the watermark, where every seeded row is.
        using var overlapping = db.BuildHost(new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.GetTempPath(), ["Sources:OverlapMinutes"] = "5" });
        var sync = overlapping.Services.GetRequiredService<SourceSync>();
        var first = await sync.RunAsync(default);
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        const string version = "select xmin::text from staging.activities where activity_id = 'A1'";
        var before = await conn.ExecuteScalarAsync<string>(version);

        var again = await sync.RunAsync(default);
        Assert.Equal(first.Read, again.Read);
        Assert.Equal(0, again.Upserted);
        Assert.Equal(before, await conn.ExecuteScalarAsync<string>(version));

        await using (var crm = await db.Databases.Crm.OpenConnectionAsync())
            await crm.ExecuteAsync("update crm.activities set subject = 'changed', updated_at = now() + interval '1 second' where activity_id = 'A1'");
        var third = await sync.RunAsync(default);
        Assert.Equal(("crm.activities", 1L), third.Tables.Where(t => t.Upserted > 0).Select(t => (t.Source, t.Upserted)).Single());
        Assert.Equal("changed", await conn.ExecuteScalarAsync<string>("select subject from staging.activities where activity_id = 'A1'"));
        Assert.NotEqual(before, await conn.ExecuteScalarAsync<string>(version));
    }

    [Fact]
    public async Task Two_syncs_at_once_take_each_table_in_turn_and_read_every_source_row_once_between_them()
    {
        // As the hourly sync-sources and month-end's own sync do at 06:00 on the 1st.
        long rows = 0;
        foreach (var t in SourceTables.All)
        {
            await using var source = await db.Databases.Source(t.System).OpenConnectionAsync();
            rows += await source.ExecuteScalarAsync<long>($"select count(*) from {t.Source}");
        }
        var sync = host.Services.GetRequiredService<SourceSync>();
        var both = await Task.WhenAll(sync.RunAsync(default), sync.RunAsync(default));
        // Whichever took a table first pulled all of it; the other waited and found nothing past the watermark (the
        // overlap is 0 here): every row read once, not twice.
        Assert.Equal(11, rows);
        Assert.Equal(rows, both[0].Read + both[1].Read);
        Assert.Equal(6, both[0].Quarantined + both[1].Quarantined);
    }

    [Fact]
    public async Task A_targets_file_with_one_bad_row_is_rejected_whole_naming_row_and_column()
    {
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        var file = Path.Combine(Path.GetTempPath(), $"targets-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "rep_id,period,indicator,target\nR1,2026-10,revenue,100\nR1,2026-13,visits,120\nR1,2026-10,visits,abc\nR7,2026-10,visits,1\nR1,2026-10,revenue,90\n");
        var ex = await Assert.ThrowsAsync<ImportRejectedException>(() => host.Services.GetRequiredService<TargetImport>().ImportAsync(file, default));
        Assert.Equal(
        [
            (3, "period", "2026-13"),
            (4, "target", "abc"),
            (5, "rep_id", "R7"),
            (6, "rep_id", "R1"),
        ], ex.Errors.Select(e => (e.Row, e.Column, e.Value)));
        Assert.Contains("duplicate of row 2", ex.Errors[3].Reason, StringComparison.Ordinal);
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.target"));
        File.Delete(file);
    }

    [Fact]
    public async Task A_targets_workbook_imports_from_its_first_sheet_and_a_bad_one_is_rejected_naming_sheet_row_and_column()
    {
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        var import = host.Services.GetRequiredService<TargetImport>();
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        var dir = Directory.CreateTempSubdirectory("sr-targets-").FullName;
        string[] header = ["rep_id", "period", "indicator", "target"];
        Import.TabularFileTests.XCell[] Header() => header.Select((h, i) => new Import.TabularFileTests.XCell($"{(char)('A' + i)}1", h)).ToArray();

        var bad = Import.TabularFileTests.WriteXlsx(Path.Combine(dir, "bad.xlsx"), "Targets", [Header(),
            [new("A2", "R1"), new("B2", "2026-10"), new("C2", "revenue"), new("D2", 100)],
            [new("A3", "R1"), new("B3", "2026-13"), new("C3", "visits"), new("D3", 120)],
            [new("A5", "R1"), new("B5", "2026-10"), new("C5", "visits"), new("D5", -3)]]);
        var ex = await Assert.ThrowsAsync<ImportRejectedException>(() => import.ImportAsync(bad, default));
        Assert.Equal([("Targets", 3, "period", "2026-13"), ("Targets", 5, "target", "-3")], ex.Errors.Select(e => (e.Sheet, e.Row, e.Column, e.Value)));
        Assert.Contains("bad.xlsx, sheet 'Targets': row 3, column 'period' ('2026-13'): expected YYYY-MM", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.target"));

        var good = Import.TabularFileTests.WriteXlsx(Path.Combine(dir, "good.xlsx"), "Targets", [Header(),
            [new("A2", "R1"), new("B2", 46296d, 2), new("C2", "revenue"), new("D2", 100)],
            [new("A3", "R1"), new("B3", "2026-10"), new("C3", "collection_rate"), new("D3", 83.299999999999997)]]);
        Assert.Equal(2, await import.ImportAsync(good, default));
        Assert.Equal([("collection_rate", 83.3m), ("revenue", 100m)], await conn.QueryAsync<(string, decimal)>(
            "select indicator, target from reporting.target where rep_id = 'R1' and period = '2026-10-01' order by 1"));
        Directory.Delete(dir, true);
    }
}
