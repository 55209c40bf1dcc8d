using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hangfire.Common;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Tests.Pipeline;
using SalesReporting.Worker.Hosting;
using SalesReporting.Worker.Jobs;
using Xunit.Abstractions;

namespace SalesReporting.Tests.Hosting;

/// <summary>
/// The mail server down for five minutes during a month-end under the scheduler, a `serve` process running it and
/// `month-end --enqueue --wait` following it, as real processes: the team jobs fail, wait for Hangfire's retries at
/// their fixed delays, and finish by themselves once the server is back, every recipient's message sent once in effect.
/// </summary>
public sealed class SmtpOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Under_the_scheduler_a_month_end_finishes_by_itself_after_five_minutes_without_a_mail_server()
    {
        var (db, outDir) = await MonthEndFaultTests.DemoAsync("sr_outage_smtp");
        await using var cleanup = db;
        var smtpPort = SmtpSink.FreePort(); // nobody listens there yet: the SMTP server is down
        var env = ScaleOutTests.ServeEnvironment(db, smtpPort, outDir);
        env["Mail__Attempts"] = "2";
        env["Mail__RetryDelayMilliseconds"] = "100";
        env["Hangfire__WorkerCount"] = "3";
        var log = new StringBuilder();
        using var server = WorkerProcess.Start(["serve", "--urls", "http://127.0.0.1:0"], env, log);
        var storage = HangfireStorage.Create(db.Reporting);
        SmtpSink? smtp = null;
        try
        {
            var down = Stopwatch.StartNew();
            var wait = WorkerProcess.RunAsync(["month-end", "--period", "2026-10", "--enqueue", "--wait"], env, TimeSpan.FromMinutes(30));
            var monitor = storage.GetMonitoringApi();
            while (monitor.ScheduledCount() == 0 && down.Elapsed < Outage && !wait.IsCompleted) await Task.Delay(200);
            Assert.True(monitor.ScheduledCount() > 0, "no team job failed on the SMTP server being down: " + log);
            while (down.Elapsed < Outage && !wait.IsCompleted) await Task.Delay(1000);
            Assert.False(wait.IsCompleted, "month-end --wait ended while the mail server was down: " + (wait.IsCompleted ? (await wait).Out : ""));
            smtp = new SmtpSink(smtpPort); // five minutes later the SMTP server is back
            var back = down.Elapsed;

            var (code, stdout, stderr) = await wait;
            output.WriteLine(stdout);
            Assert.True(code == 0, $"month-end --enqueue --wait: {code} {stderr} {stdout}");
            // Retried four times at least before the server came back (15 + 30 + 60 + 120 s, and each run's own attempts).
            Assert.Contains("; a team job waits to retry (Retry attempt 4 of 12: Delivery of rep_form 2026-10 R0", stdout, StringComparison.Ordinal);
            Assert.Contains("teams 3/3 done, forms 21/21 sent", stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal); // messages, not stack traces
            db.Databases.Reporting.Clear();
            await MonthEndFaultTests.AssertEveryRepHasTheirFormOnceInEffect(db, smtp.Messages.ToList());

            // Each team job was retried at the fixed delays of RenderAndDeliverJob, through the whole outage, and none
            // gave up: 15 s, 30 s, 1, 2, 3 min... (Scheduled states: enqueue time less the time the retry was scheduled).
            var teamJobs = monitor.SucceededJobs(0, 50).Where(j => j.Value.Job?.Method.Name == nameof(RenderAndDeliverJob.RunTeamAsync)).ToList();
            Assert.Equal(3, teamJobs.Count);
            int[] schedule = [15, 30, 60, 120, 180, 300, 600];
            foreach (var (id, _) in teamJobs)
            {
                var delays = monitor.JobDetails(id).History.Where(h => h.StateName == "Scheduled")
                    .Select(h => (JobHelper.DeserializeDateTime(h.Data["EnqueueAt"]) - JobHelper.DeserializeDateTime(h.Data["ScheduledAt"])).TotalSeconds)
                    .Reverse().ToList();
                output.WriteLine($"team job {id}: retried after {string.Join(", ", delays.Select(d => d.ToString("F0", CultureInfo.InvariantCulture)))} s");
                Assert.True(delays.Count >= 4, $"team job {id} was retried {delays.Count} times in a {Outage.TotalMinutes}-minute outage");
                Assert.Equal(schedule[..delays.Count], delays.Select(d => (int)Math.Round(d)));
            }
            output.WriteLine($"mail server back after {back.TotalSeconds:F0} s");
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            if (smtp is not null) await smtp.DisposeAsync();
            Directory.Delete(outDir, true);
        }
    }
}

/// <summary>
/// PostgreSQL restarted for real (`pg_ctl restart -m fast`) while a month-end under the scheduler is sending its forms:
/// the `serve` process and `month-end --enqueue --wait` lose every connection, the server is gone for its shutdown and
/// start, and the month-end finishes by itself, every recipient's message sent once in effect.
/// </summary>
[Collection(DatabaseRestartCollection.Name)]
public sealed class DatabaseRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Under_the_scheduler_a_month_end_finishes_by_itself_through_a_postgresql_restart()
    {
        var (db, outDir) = await MonthEndFaultTests.DemoAsync("sr_outage_pg");
        await using var cleanup = db;
        await using var smtp = new SmtpSink();
        var env = ScaleOutTests.ServeEnvironment(db, smtp.Port, outDir);
        env["Hangfire__WorkerCount"] = "3";
        var log = new StringBuilder();
        using var server = WorkerProcess.Start(["serve", "--urls", "http://127.0.0.1:0"], env, log);
        try
        {
            var wait = WorkerProcess.RunAsync(["month-end", "--period", "2026-10", "--enqueue", "--wait"], env, TimeSpan.FromMinutes(20));
            // Half-way through the forms: some sent, the team jobs still running.
            var deadline = DateTime.UtcNow.AddMinutes(10);
            while (smtp.Messages.Count < 3 && DateTime.UtcNow < deadline && !wait.IsCompleted) await Task.Delay(20);
            var sentAtRestart = smtp.Messages.Count;
            Assert.True(sentAtRestart is >= 3 and < 24, $"the restart did not land during the deliveries ({sentAtRestart} of 24 messages sent): " + log);

            var (before, after) = await LocalPostgres.RestartAsync();
            Assert.True(after > before, $"PostgreSQL started at {before:O} and again at {after:O}");
            output.WriteLine($"PostgreSQL restarted after {sentAtRestart} of 24 messages");

            var (code, stdout, stderr) = await wait;
            output.WriteLine(stdout);
            Assert.True(code == 0, $"month-end --enqueue --wait: {code} {stderr} {stdout}");
            Assert.Contains("teams 3/3 done, forms 21/21 sent", stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal); // messages, not stack traces
            Assert.False(server.HasExited, "serve exited with the database restart: " + log);
            db.Databases.Reporting.Clear();
            await MonthEndFaultTests.AssertEveryRepHasTheirFormOnceInEffect(db, smtp.Messages.ToList());
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            Directory.Delete(outDir, true);
        }
    }
}
