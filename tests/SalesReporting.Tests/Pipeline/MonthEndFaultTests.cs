using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MimeKit;
using Npgsql;
using SalesReporting.Data;
using SalesReporting.Demo;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Sources;
using SalesReporting.Data.Targets;
using SalesReporting.Reports.Delivery;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Worker.Jobs;

namespace SalesReporting.Tests.Pipeline;

/// <summary>
/// Faults: the SMTP server down, PostgreSQL dropping every connection, the worker process killed
/// mid-run. Afterwards every rep has their form exactly once in effect: one Message-Id per rep, nobody
/// missing, the ledger saying sent. (A message the server accepted in the instant before the process
/// died can arrive a second time with the same Message-Id, which the receiving system drops.)
/// </summary>
public sealed class MonthEndFaultTests
{
    private static readonly Period October = new(2026, 10);
    private static readonly FixedClock Clock = new(new DateTimeOffset(2026, 11, 1, 6, 0, 0, TimeSpan.FromHours(8)));

    internal static async Task<(TestDatabase Db, string OutDir)> DemoAsync(string prefix)
    {
        var db = await TestDatabase.CreateAsync(prefix);
        var outDir = Directory.CreateTempSubdirectory("sr-fault-").FullName;
        var demo = await DemoOrganisation.GenerateAsync(db.Databases, outDir, default);
        using var host = db.BuildHost(new Dictionary<string, string?> { ["Mail:PickupDirectory"] = outDir });
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        await host.Services.GetRequiredService<TargetImport>().ImportAsync(demo.TargetsFile, default);
        return (db, outDir);
    }

    private static IHost Host(TestDatabase db, int smtpPort, string outDir) => db.BuildHost(new Dictionary<string, string?>
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
        ["Forms:OutputDirectory"] = Path.Combine(outDir, "forms"),
    }, Clock);

    /// <summary>Every active rep: all their messages carry one Message-Id, and the ledger has them sent; the
    /// same for each team's summary to its manager.</summary>
    internal static async Task AssertEveryRepHasTheirFormOnceInEffect(TestDatabase db, IReadOnlyCollection<MimeMessage> all)
    {
        static string Attachment(MimeMessage m) => m.Attachments.OfType<MimePart>().First().FileName!;
        var messages = all.Where(m => Attachment(m).StartsWith("2026-10_R", StringComparison.Ordinal)).ToList();
        var summaries = all.Where(m => Attachment(m).StartsWith("2026-10_team_", StringComparison.Ordinal)).ToList();
        Assert.Equal(all.Count, messages.Count + summaries.Count);
        Assert.Equal(["2026-10_team_T01.pdf", "2026-10_team_T02.pdf", "2026-10_team_T03.pdf"], summaries.Select(Attachment).Distinct().Order());
        Assert.Equal(3, summaries.Select(m => m.MessageId).Distinct().Count());
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        var reps = (await conn.QueryAsync<string>("select email from staging.reps where active order by rep_id")).ToList();
        Assert.Equal(21, reps.Count);
        foreach (var email in reps)
        {
            var mine = messages.Where(m => m.To.Mailboxes.Single().Address == email).ToList();
            Assert.NotEmpty(mine);
            Assert.Single(mine.Select(m => m.MessageId).Distinct());
        }
        Assert.Equal(reps.Count, messages.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(21L, await conn.ExecuteScalarAsync<long>(
            "select count(*) from reporting.delivery where kind = 'rep_form' and period = '2026-10-01' and status = 'sent'"));
    }

    [Fact]
    public async Task With_the_SMTP_server_down_month_end_fails_and_a_rerun_once_it_is_up_sends_every_form_once()
    {
        var (db, outDir) = await DemoAsync("sr_fault_smtp");
        await using var cleanup = db;
        var port = SmtpSink.FreePort();
        using var host = Host(db, port, outDir);
        var job = host.Services.GetRequiredService<MonthEndJob>();

        // Nothing listens on the port: connection refused is transient, so the run fails (Hangfire would retry it).
        await Assert.ThrowsAsync<TransientMailException>(() => job.RunInProcessAsync(October, false, null, default));
        await using (var conn = await db.Databases.Reporting.OpenConnectionAsync())
        {
            Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.delivery where status = 'sent'"));
            Assert.Contains("refused", await conn.ExecuteScalarAsync<string>("select last_error from reporting.delivery where last_error is not null limit 1"),
                StringComparison.OrdinalIgnoreCase);
        }

        await using var smtp = new SmtpSink(port);
        var rerun = await job.RunInProcessAsync(October, false, null, default);
        Assert.All(rerun.Deliveries, d => Assert.Equal(DeliveryOutcome.Sent, d.Outcome));
        Assert.Equal(21 + 3, smtp.Messages.Count); // every form and every team summary, once
        await AssertEveryRepHasTheirFormOnceInEffect(db, smtp.Messages.ToList());
        Directory.Delete(outDir, true);
    }

    [Fact]
    public async Task When_PostgreSQL_drops_every_connection_mid_run_a_rerun_completes_with_every_form_once()
    {
        var (db, outDir) = await DemoAsync("sr_fault_pg");
        await using var cleanup = db;
        await using var smtp = new SmtpSink();
        using var host = Host(db, smtp.Port, outDir);
        var job = host.Services.GetRequiredService<MonthEndJob>();

        // What a server restart looks like from here: every backend of the reporting database terminated
        // once a few forms are out, while the others are being rendered and sent.
        var admin = Environment.GetEnvironmentVariable("SALESREPORTING_TEST_PG")!;
        var reportingDb = new NpgsqlConnectionStringBuilder(db.Reporting).Database;
        var terminated = 0;
        var run = job.RunInProcessAsync(October, false, new Progress<MonthEndProgress>(), default);
        var killer = Task.Run(async () =>
        {
            while (smtp.Messages.Count < 3 && !run.IsCompleted) await Task.Delay(5);
            await using var conn = new NpgsqlConnection(admin);
            await conn.OpenAsync();
            terminated = await conn.ExecuteScalarAsync<int>(
                "select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = @reportingDb and pid <> pg_backend_pid()",
                new { reportingDb });
        });
        try { await run; }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TransientMailException) { /* the crash under test */ }
        await killer;
        Assert.True(terminated > 0, "the fault was not injected: no backend of the reporting database was running");

        // As Hangfire's automatic retry would: a pooled connection the server dropped fails once, then is replaced.
        for (var attempt = 1; ; attempt++)
        {
            try { await job.RunInProcessAsync(October, false, null, default); break; }
            catch (NpgsqlException) when (attempt < 3) { }
        }
        db.Databases.Reporting.Clear(); // the test's own pool holds dropped connections too
        await AssertEveryRepHasTheirFormOnceInEffect(db, smtp.Messages.ToList());
        Directory.Delete(outDir, true);
    }

    [Fact]
    public async Task A_worker_process_killed_mid_run_loses_no_form_and_a_rerun_sends_only_what_is_missing()
    {
        var (db, outDir) = await DemoAsync("sr_fault_kill");
        await using var cleanup = db;
        await using var smtp = new SmtpSink();
        var start = WorkerProcess.StartInfo(["month-end", "--period", October.ToString()], new Dictionary<string, string>
        {
            ["ConnectionStrings__Crm"] = db.Crm,
            ["ConnectionStrings__Finance"] = db.Finance,
            ["ConnectionStrings__Reporting"] = db.Reporting,
            ["Smtp__Host"] = "127.0.0.1",
            ["Smtp__Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Forms__OutputDirectory"] = Path.Combine(outDir, "forms"),
        });
        using (var process = Process.Start(start)!)
        {
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (smtp.Messages.Count < 3 && !process.HasExited && DateTime.UtcNow < deadline) await Task.Delay(5);
            Assert.False(process.HasExited, $"the worker ended before it could be killed (exit code {(process.HasExited ? process.ExitCode : 0)})");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        var beforeRerun = smtp.Messages.Count;
        Assert.InRange(beforeRerun, 3, 20);

        using var host = Host(db, smtp.Port, outDir);
        var rerun = await host.Services.GetRequiredService<MonthEndJob>().RunInProcessAsync(October, false, null, default);
        Assert.Contains(rerun.Deliveries, d => d.Outcome == DeliveryOutcome.AlreadySent);
        Assert.Contains(rerun.Deliveries, d => d.Outcome == DeliveryOutcome.Sent);
        await AssertEveryRepHasTheirFormOnceInEffect(db, smtp.Messages.ToList());
        Directory.Delete(outDir, true);
    }

    [Fact]
    public async Task A_forced_resend_that_fails_half_way_is_finished_by_its_retry_without_sending_anything_twice()
    {
        var (db, outDir) = await DemoAsync("sr_fault_resend");
        await using var cleanup = db;
        await using var smtp = new SmtpSink();
        using var host = Host(db, smtp.Port, outDir);
        var job = host.Services.GetRequiredService<MonthEndJob>();
        await job.RunInProcessAsync(October, false, null, default);
        Assert.Equal(24, smtp.Messages.Count);
        var firstIds = smtp.Messages.ToDictionary(m => m.To.Mailboxes.Single().Address + "|" + m.Attachments.OfType<MimePart>().First().FileName, m => m.MessageId);

        // The resend meets a server that defers one rep's mail every time: the run fails part-way.
        smtp.Answer = m => m.To.Mailboxes.Single().Address == "r010@demo.example" ? new SmtpServer.Protocol.SmtpResponse((SmtpServer.Protocol.SmtpReplyCode)451, "try later") : null;
        await Assert.ThrowsAsync<TransientMailException>(() => job.RunInProcessAsync(October, true, null, default));
        var afterFailure = smtp.Messages.Count;
        Assert.InRange(afterFailure, 25, 24 + 23);

        // The retry is a plain run (the resend was applied once): it sends what is still missing, nothing more.
        smtp.Answer = _ => null;
        await job.RunInProcessAsync(October, false, null, default);
        var all = smtp.Messages.ToList();
        Assert.Equal(48, all.Count);
        foreach (var group in all.GroupBy(m => m.To.Mailboxes.Single().Address + "|" + m.Attachments.OfType<MimePart>().First().FileName))
        {
            Assert.Equal(2, group.Count());
            Assert.All(group, m => Assert.Equal(firstIds[group.Key], m.MessageId));
        }
        Directory.Delete(outDir, true);
    }

    /// <summary>The real Chromium renderer, refusing the documents that contain a marker: a form that cannot be printed.</summary>
    private sealed class RefusingRenderer(Reports.Rendering.IPdfRenderer inner, string marker) : Reports.Rendering.IPdfRenderer
    {
        public Task<byte[]> RenderAsync(string html, CancellationToken ct) =>
            html.Contains(marker, StringComparison.Ordinal) ? throw new InvalidOperationException("the printer refused this form") : inner.RenderAsync(html, ct);

        public async Task<IReadOnlyList<byte[]>> RenderManyAsync(IReadOnlyList<string> documents, CancellationToken ct) =>
            documents.Any(d => d.Contains(marker, StringComparison.Ordinal))
                ? throw new InvalidOperationException("the printer refused this batch")
                : await inner.RenderManyAsync(documents, ct);
    }

    [Fact]
    public async Task A_form_that_cannot_be_printed_costs_only_its_own_rep_and_fails_the_team_job_for_a_retry()
    {
        var (db, outDir) = await DemoAsync("sr_fault_print");
        await using var cleanup = db;
        await using var smtp = new SmtpSink();
        using var host = Host(db, smtp.Port, outDir);
        var chromium = host.Services.GetRequiredService<Reports.Rendering.IPdfRenderer>();
        var refusing = ActivatorUtilities.CreateInstance<RenderAndDeliverJob>(host.Services,
            (Reports.Rendering.IPdfRenderer)new RefusingRenderer(chromium, "吴敏")); // R009's name, team T02

        await host.Services.GetRequiredService<IndicatorCompute>().ComputeWithHistoryAsync(October, default);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => refusing.RunTeamAsync("2026-10", "T02", default));
        Assert.Contains("1 2026-10 form(s) could not be printed", ex.Message, StringComparison.Ordinal);
        Assert.Contains("R009: the printer refused this form", ex.Message, StringComparison.Ordinal);
        // Every other rep of the team has their form; the summary waits for the whole team.
        var sent = smtp.Messages.Select(m => m.Attachments.OfType<MimePart>().First().FileName).Order().ToList();
        Assert.Equal(["2026-10_R008.pdf", "2026-10_R010.pdf", "2026-10_R011.pdf", "2026-10_R012.pdf", "2026-10_R013.pdf", "2026-10_R014.pdf"], sent);

        // Hangfire's retry, the printer working again: R009 and then the summary, nobody twice.
        var retry = host.Services.GetRequiredService<RenderAndDeliverJob>();
        Assert.StartsWith("T02: 1 sent, 6 already sent, 0 failed permanently; summary: Sent", await retry.RunTeamAsync("2026-10", "T02", default), StringComparison.Ordinal);
        Assert.Equal(8, smtp.Messages.Count);
        Assert.Equal(8, smtp.Messages.Select(m => m.MessageId).Distinct().Count());
        Directory.Delete(outDir, true);
    }
}
