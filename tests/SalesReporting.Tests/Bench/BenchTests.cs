using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using SalesReporting.Data;
using SalesReporting.Bench;

namespace SalesReporting.Tests.Bench;

/// <summary>The bench machinery at a tiny size: what it generates and what each stage processed, never how long it took.</summary>
public sealed class BenchTests : IAsyncLifetime
{
    private static readonly BenchSettings Tiny = new() { Reps = 30, Months = 2, Forms = 6, NaiveForms = 2, PageRequests = 5, Prefix = "sr_bench", Regenerate = true };
    private readonly string admin = Environment.GetEnvironmentVariable("SALESREPORTING_TEST_PG")
        ?? throw new InvalidOperationException("SALESREPORTING_TEST_PG is not set: run the tests with scripts/test, which starts PostgreSQL and sets it.");
    private readonly BenchSmtpServer smtp = new();
    private IHost host = null!;

    public async Task InitializeAsync()
    {
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            foreach (var name in new[] { "sr_bench_crm", "sr_bench_finance", "sr_bench_reporting" })
                await conn.ExecuteAsync($"drop database if exists {name} with (force)");
        }
        host = await BenchHost.BuildAsync(admin, Tiny, smtp, new Dictionary<string, string?> { ["Hangfire:InvisibilityTimeoutSeconds"] = "15" }, default);
        await host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
        await smtp.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
    }

    [Fact]
    public async Task A_tiny_bench_generates_the_same_rows_every_time_and_every_stage_handles_every_item()
    {
        var report = await new BenchRunner(host.Services, Tiny, IBenchProgress.None).RunAsync(default);
        var db = host.Services.GetRequiredService<Databases>();

        // Generated: 3 teams (one per locale) round-robin, 30 customers per rep, the same counts on every run.
        Assert.True(report.Generated > TimeSpan.Zero, "the first run generates the data set (the second reuses it, below)");
        Assert.Equal(3, report.Source["crm.teams"]);
        Assert.Equal(30, report.Source["crm.reps"]);
        Assert.Equal(900, report.Source["crm.customers"]);
        Assert.Equal(
            [("crm.teams", 3L), ("crm.reps", 30L), ("crm.customers", 900L), ("crm.leads", 884L), ("crm.activities", 2_681L),
             ("crm.opportunities", 384L), ("crm.surveys", 188L), ("finance.invoices", 383L), ("finance.payments", 303L)],
            report.Source.Tables);
        await using (var crm = await db.Crm.OpenConnectionAsync())
        {
            Assert.Equal(["en", "zh-CN", "zh-TW"], (await crm.QueryAsync<string>("select distinct locale from crm.teams order by 1")).ToList());
            // Each rep-month has 30..60 activities, 10..20 leads, 4..8 opportunities, 1..5 surveys.
            var activity = await crm.QuerySingleAsync<(long Min, long Max)>("""
                select min(n), max(n) from (select count(*) n from crm.activities group by rep_id, date_trunc('month', occurred_at at time zone 'Asia/Shanghai')) x
                """);
            Assert.InRange(activity.Min, 30, 60);
            Assert.InRange(activity.Max, 30, 60);
            Assert.Equal(0L, await crm.ExecuteScalarAsync<long>("select count(*) from crm.opportunities where stage = 'won' and won_at is null"));
            // Each row was last changed at its own business time, a day or more before the data was generated (or since,
            // by the stages' day of changes below), so an incremental pull reads a day's changes, not a whole table that
            // shares one updated_at.
            Assert.True(await crm.ExecuteScalarAsync<long>("select count(distinct updated_at) from crm.activities") > 2_000);
            Assert.Equal(0L, await crm.ExecuteScalarAsync<long>("""
                select count(*) from crm.activities a, crm.bench_parameters p
                where a.updated_at > p.generated_at - interval '1 day' and a.updated_at < p.generated_at
                """));
        }

        var sync = report.Figures.Single(f => f.Stage.StartsWith("sync (SourceSync, full pull)", StringComparison.Ordinal));
        Assert.Equal(report.Source.Total, sync.Items);      // every source row staged, none quarantined
        Assert.Equal(report.Source.Total, sync.FloorItems); // and the floor copied the same rows
        // The same pull against the floor that also builds every staging index of the pulled tables on the copies.
        var indexed = report.Figures.Single(f => f.Stage == "  the same pull, against COPY + staging's indexes");
        Assert.Equal((sync.Items, sync.Time, sync.FloorItems), (indexed.Items, indexed.Time, indexed.FloorItems));
        Assert.True(indexed.FloorTime > sync.FloorTime);
        await using (var reporting = await db.Reporting.OpenConnectionAsync())
        {
            var stagingIndexes = await reporting.ExecuteScalarAsync<long>(
                "select count(*) from pg_indexes where schemaname = 'staging' and tablename = any(@names)",
                new { names = SalesReporting.Data.Sources.SourceTables.All.Select(t => t.Name).ToArray() });
            Assert.True(stagingIndexes >= 20); // keys and the readers' indexes (activities alone has five)
            Assert.StartsWith($"{stagingIndexes} indexes built on the copies in ", indexed.Note, StringComparison.Ordinal);
        }

        // A day's changes: 1% of each source table's rows edited (by a hash of the key), then the incremental pull reads
        // those and the few rows changed within the overlap before each watermark, not the whole source.
        long edited = 0;
        foreach (var t in SalesReporting.Data.Sources.SourceTables.All)
        {
            await using var source = await db.Source(t.System).OpenConnectionAsync();
            edited += await source.ExecuteScalarAsync<long>($"select count(*) from {t.Source} where abs(hashtext({t.Key}::text || 'sync')::bigint) % 100 = 0");
        }
        var incremental = report.Figures.Single(f => f.Stage.StartsWith("sync (SourceSync, incremental", StringComparison.Ordinal));
        Assert.True(edited > 0);
        Assert.Equal(edited, incremental.FloorItems);
        Assert.InRange(incremental.Items, edited, edited + report.Source.Total / 20);

        var compute = report.Figures.Single(f => f.Stage.Contains("ComputeAsync)", StringComparison.Ordinal));
        Assert.Equal(30, compute.Items);
        Assert.Equal((12, 0), (report.Compute!.Indicators, report.Compute.Errors.Count));
        Assert.Equal(30 * 12, report.Compute.Values);
        await using (var reporting = await db.Reporting.OpenConnectionAsync())
        {
            Assert.Equal(360L, await reporting.ExecuteScalarAsync<long>("select count(*) from reporting.indicator_value where period = '2026-10-01'"));
            // The floor reads the month's rows of each table the indicators read, once.
            var expected = await reporting.ExecuteScalarAsync<long>("""
                select (select count(*) from staging.activities where occurred_at >= '2026-10-01 00:00+08' and occurred_at < '2026-11-01 00:00+08')
                     + (select count(*) from staging.leads where (qualified_at >= '2026-10-01 00:00+08' and qualified_at < '2026-11-01 00:00+08')
                                                          or (converted_at >= '2026-10-01 00:00+08' and converted_at < '2026-11-01 00:00+08'))
                     + (select count(*) from staging.opportunities where won_at >= '2026-10-01 00:00+08' and won_at < '2026-11-01 00:00+08')
                     + (select count(*) from staging.invoices where issued_on between '2026-10-01' and '2026-10-31' or due_on between '2026-10-01' and '2026-10-31')
                     + (select count(*) from staging.surveys where answered_at >= '2026-10-01 00:00+08' and answered_at < '2026-11-01 00:00+08')
                """);
            Assert.Contains($"floor read {expected:N0} rows", compute.Note, StringComparison.Ordinal);
        }

        var render = report.Figures.Single(f => f.Stage.StartsWith("render (", StringComparison.Ordinal));
        Assert.Equal(6, render.Items);
        Assert.Equal(6, render.FloorItems);
        Assert.Equal(6, report.PdfCount);
        Assert.True(report.FloorPdfPages >= 6, $"the floor printed {report.FloorPdfPages} pages for 6 forms");
        Assert.Equal(2, report.Figures.Single(f => f.Stage.StartsWith("render naive", StringComparison.Ordinal)).Items);
        // Where the printing went, from the renderer's meter: its prints, and the batches they were, 6 documents in all.
        var printing = System.Text.RegularExpressions.Regex.Match(render.Note ?? "",
            @"PDF [0-9.]+ s \((?<prints>[0-9]+) prints \(Σ [0-9.]+ s, longest [0-9.]+ s\), (?<batches>[0-9]+) batches of (?<average>[0-9.]+) documents on average \(largest (?<largest>[0-9]+)\), cut in Σ [0-9.]+ s\)");
        Assert.True(printing.Success, render.Note);
        var batches = int.Parse(printing.Groups["batches"].Value, CultureInfo.InvariantCulture);
        Assert.Equal(6.0, batches * double.Parse(printing.Groups["average"].Value, CultureInfo.InvariantCulture), 1);
        Assert.Equal(batches, int.Parse(printing.Groups["prints"].Value, CultureInfo.InvariantCulture));
        Assert.InRange(int.Parse(printing.Groups["largest"].Value, CultureInfo.InvariantCulture), 1, 6);
        // The team summaries, one print each as a team job prints them, against bare Chromium printing them in one: the
        // 3 teams' summaries, each at least a page.
        var summaries = report.Figures.Single(f => f.Stage == "render summaries (RenderAsync each)");
        Assert.Equal((3L, 3L), (summaries.Items, summaries.FloorItems));
        var summaryPages = System.Text.RegularExpressions.Regex.Match(summaries.Note ?? "", @"floor (?<pages>[0-9]+) pages \(");
        Assert.True(summaryPages.Success && int.Parse(summaryPages.Groups["pages"].Value, CultureInfo.InvariantCulture) >= 3, summaries.Note);

        var deliver = report.Figures.Single(f => f.Stage.StartsWith("deliver", StringComparison.Ordinal));
        Assert.Equal(6, deliver.Items);
        Assert.Equal(6, report.SmtpLedgerMessages);
        Assert.Equal(6, report.SmtpBareMessages);

        // The whole month-end under the scheduler, by one and then two real serve processes: every rep's form and every
        // summary each time (the month's ledger cleared before each run), against the sum of this run's floors.
        var monthEnds = report.Figures.Where(f => f.Stage.StartsWith("month-end under the scheduler", StringComparison.Ordinal)).ToList();
        Assert.Equal(["month-end under the scheduler, 1 serve process(es)", "month-end under the scheduler, 2 serve process(es)"], monthEnds.Select(f => f.Stage));
        // The bench's SMTP server (the SmtpServer package) now and then answers a message "554" with no text, its reply when
        // it fails reading a message (docs/bench.md); the month-end records that delivery as failed, as it must for a 5xx,
        // and the bench prints it. Such a refusal counts in place of its form or summary, and nothing else does.
        static (int Forms, int Summaries) Refused(string? note) => (
            System.Text.RegularExpressions.Regex.Matches(note ?? "", @"rep_form \S+ \(554 \)").Count,
            System.Text.RegularExpressions.Regex.Matches(note ?? "", @"team_summary \S+ \(554 \)").Count);
        Assert.All(monthEnds, f => Assert.Equal((30L, "Σ floors: COPY of a day's changes + compute + bare Chromium + bare MailKit"), (f.Items + Refused(f.Note).Forms, f.Floor)));
        Assert.All(monthEnds, f =>
        {
            var m = System.Text.RegularExpressions.Regex.Match(f.Note ?? "", @"^(?<forms>[0-9]+) forms and (?<summaries>[0-9]) summaries sent; peak resident memory: worker [1-9][0-9,]* MB .*, its Chromium [1-9][0-9,]* MB ");
            Assert.True(m.Success, f.Note);
            Assert.Equal((30, 3), (int.Parse(m.Groups["forms"].Value, CultureInfo.InvariantCulture) + Refused(f.Note).Forms, int.Parse(m.Groups["summaries"].Value, CultureInfo.InvariantCulture) + Refused(f.Note).Summaries));
        });
        // Then two processes again, one killed (SIGKILL) while it runs a team job: the other takes the job over once the
        // invisibility (15 s here) has run out, and the month ends with one form per rep, each with its own Message-Id.
        var takeover = report.Figures.Single(f => f.Stage == "takeover after a SIGKILL, 2 serve processes");
        Assert.Equal((1L, TimeSpan.FromSeconds(15)), (takeover.Items, takeover.FloorTime));
        Assert.True(takeover.Time > TimeSpan.Zero);
        // Arrived twice: at most one message per SMTP connection the killed process had open, sent but not yet marked. The
        // bench's serve processes keep Smtp:Connections at its default, 1 (its workers' sends wait for that one connection),
        // so at most one: the same bound as the message count below; no tolerance for more is needed.
        var after = System.Text.RegularExpressions.Regex.Match(takeover.Note ?? "", @"^a serve process killed while running a team job, [1-9][0-9]* forms out; the other took the job over after [0-9.]+ s; the month then finished in [0-9.,]+ s: (?<forms>[0-9]+) forms, one per rep, each with its own Message-Id; [01] message\(s\) arrived twice");
        Assert.True(after.Success, takeover.Note);
        Assert.Equal(30, int.Parse(after.Groups["forms"].Value, CultureInfo.InvariantCulture) + Refused(takeover.Note).Forms);
        // the deliver stage sends 6 + 6 in each of its 3 rounds; a refused message may or may not have reached the store
        var refused = monthEnds.Append(takeover).Sum(f => Refused(f.Note).Forms + Refused(f.Note).Summaries);
        Assert.InRange(smtp.Messages, 3 * 12 + 3 * 33 - refused, 3 * 12 + 3 * 33 + 1);

        // The workspace pages, each fetched 5 times after the warm-up, with the floor fetched as often; no team has 50 reps here.
        Assert.Equal(2, report.Latencies.Count);
        Assert.StartsWith("team page BT0001 (10 reps, ", report.Latencies[0].Page.What, StringComparison.Ordinal);
        Assert.StartsWith("rep page B00001 (", report.Latencies[1].Page.What, StringComparison.Ordinal);
        Assert.All(report.Latencies, l => Assert.Equal((5, 5, 5), (l.Page.Count, l.Floor.Count, l.Query.Count)));
        Assert.Contains("workspace: no team of 50 reps at this size; measured team BT0001 of 10", report.Notes);

        // A second run with the same size reuses the data and stages it again.
        var again = await new BenchRunner(host.Services, Tiny with { Regenerate = false, Stages = ["sync"] }, IBenchProgress.None).RunAsync(default);
        Assert.Null(again.Generated);
        Assert.Equal(report.Source.Tables, again.Source.Tables);
        Assert.Equal(report.Source.Total, again.Figures.First(f => f.Stage.StartsWith("sync (SourceSync, full pull)", StringComparison.Ordinal)).Items);
    }
}
