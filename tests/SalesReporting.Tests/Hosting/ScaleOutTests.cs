using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hangfire;
using Hangfire.Common;
using Hangfire.Storage;
using Hangfire.Storage.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Tests.Loop;
using SalesReporting.Tests.Pipeline;
using SalesReporting.Worker.Hosting;
using SalesReporting.Worker.Jobs;
using Xunit.Abstractions;

namespace SalesReporting.Tests.Hosting;

/// <summary>
/// Several `serve` processes on one storage, as real processes: month-end queued by `month-end --enqueue --wait`, its
/// team jobs spread over both servers, one server killed with SIGKILL half-way, the other taking its job over; and a
/// month-end missed while every server was down, run once when one comes back.
/// </summary>
public sealed class ScaleOutTests(ITestOutputHelper output)
{
    private const int InvisibilitySeconds = 15;

    internal static Dictionary<string, string> ServeEnvironment(TestDatabase db, int smtpPort, string outDir) => WorkerProcess.Environment(db, new Dictionary<string, string>
    {
        ["Smtp__Host"] = "127.0.0.1",
        ["Smtp__Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
        ["Forms__OutputDirectory"] = Path.Combine(outDir, "forms"),
        ["Forms__DeliveryChunk"] = "1", // each form printed and sent in turn: a kill lands between two sends
        ["Acknowledgement__Secret"] = LoopSetup.Secret,
        ["Acknowledgement__PublicBaseUrl"] = "https://reports.example.com",
        ["Hangfire__WorkerCount"] = "1",
        ["Hangfire__InvisibilityTimeoutSeconds"] = InvisibilitySeconds.ToString(CultureInfo.InvariantCulture),
        ["Logging__LogLevel__Default"] = "Warning",
    });

    [Fact]
    public async Task Two_servers_share_a_queued_month_end_and_when_one_is_killed_the_other_finishes_it_sending_nothing_twice()
    {
        var (db, outDir) = await MonthEndFaultTests.DemoAsync("sr_scale_kill");
        await using var cleanup = db;
        await using var smtp = new SmtpSink();
        var env = ServeEnvironment(db, smtp.Port, outDir);
        var logs = new[] { new StringBuilder(), new StringBuilder() };
        var servers = new[]
        {
            WorkerProcess.Start(["serve", "--urls", "http://127.0.0.1:0"], env, logs[0]),
            WorkerProcess.Start(["serve", "--urls", "http://127.0.0.1:0"], env, logs[1]),
        };
        var storage = HangfireStorage.Create(db.Reporting);
        try
        {
            var monitor = storage.GetMonitoringApi();
            var started = Stopwatch.StartNew();
            while (monitor.Servers().Count(s => s.WorkersCount > 0) < 2 && started.Elapsed < TimeSpan.FromMinutes(5)) await Task.Delay(100);
            Assert.True(monitor.Servers().Count == 2, "both serve processes registered as servers: " + logs[0] + logs[1]);

            var wait = WorkerProcess.RunAsync(["month-end", "--period", "2026-10", "--enqueue", "--wait"], env, TimeSpan.FromMinutes(20));

            // Half-way: some forms out, a team job running on a server. That server is killed (SIGKILL, no goodbye).
            var deadline = DateTime.UtcNow.AddMinutes(10);
            (string JobId, ProcessingJobDto Job) victim = default;
            while (DateTime.UtcNow < deadline && !wait.IsCompleted)
            {
                if (smtp.Messages.Count >= 2 && monitor.ProcessingJobs(0, 10).FirstOrDefault(j => j.Value.Job?.Method.Name == "RunTeamAsync") is { Value: not null } running)
                {
                    victim = (running.Key, running.Value);
                    break;
                }
                await Task.Delay(5);
            }
            Assert.True(victim.JobId is not null, "no team job was caught running half-way");
            var pid = int.Parse(victim.Job!.ServerId.Split(':')[1], CultureInfo.InvariantCulture);
            var killed = Assert.Single(servers, s => s.Id == pid);
            var sentAtKill = smtp.Messages.Count;
            killed.Kill(entireProcessTree: true); // SIGKILL
            var killedAt = DateTime.UtcNow;
            await killed.WaitForExitAsync();
            var survivor = servers.Single(s => s != killed);

            var (code, stdout, stderr) = await wait;
            output.WriteLine(stdout);
            Assert.True(code == 0, $"month-end --enqueue --wait: {code} {stderr} {stdout}");
            Assert.Contains("teams 3/3 done, forms 21/21 sent", stdout, StringComparison.Ordinal);
            Assert.EndsWith("done", stdout.TrimEnd(), StringComparison.Ordinal);

            // The survivor took the killed server's team job over once its invisibility had run out.
            var takenOver = (monitor.JobDetails(victim.JobId)?.History ?? [])
                .Where(h => h.StateName == "Processing" && h.Data.TryGetValue("ServerId", out var server) && server.Split(':')[1] == survivor.Id.ToString(CultureInfo.InvariantCulture))
                .Select(h => (DateTime?)h.CreatedAt).Min();
            Assert.True(takenOver is not null, $"the survivor did not take the killed server's job {victim.JobId} over");
            output.WriteLine($"killed server {pid} after {sentAtKill} messages; job {victim.JobId} taken over by server {survivor.Id} " +
                $"{(takenOver.Value - killedAt).TotalSeconds:F1} s later (invisibility {InvisibilitySeconds} s)");
            // Within the storage's sliding invisibility timeout after the job's last renewal, plus the 15-second queue poll,
            // plus a generous margin for a loaded machine: 2 minutes, as issue 11 asks (measured: about 31 s).
            var takeover = takenOver.Value - killedAt;
            Assert.True(takeover <= TimeSpan.FromSeconds(InvisibilitySeconds + 15 + 90),
                $"the takeover took {takeover.TotalSeconds:F1} s; expected within {InvisibilitySeconds} s of invisibility + 15 s of polling + a 90 s margin");

            // Every rep one form (one Message-Id), every manager one summary; both servers ran team jobs.
            await MonthEndFaultTests.AssertEveryRepHasTheirFormOnceInEffect(db, smtp.Messages.ToList());
            var teamJobServers = monitor.SucceededJobs(0, 50).Where(j => j.Value.Job?.Method.Name == "RunTeamAsync")
                .SelectMany(j => monitor.JobDetails(j.Key).History.Where(h => h.StateName == "Processing").Select(h => int.Parse(h.Data["ServerId"].Split(':')[1], CultureInfo.InvariantCulture)))
                .ToHashSet();
            Assert.Equal(3, monitor.SucceededJobs(0, 50).Count(j => j.Value.Job?.Method.Name == "RunTeamAsync"));
            Assert.Equal(servers.Select(s => s.Id).Order(), teamJobServers.Order());
        }
        finally
        {
            foreach (var s in servers)
            {
                if (!s.HasExited) s.Kill(entireProcessTree: true);
                s.Dispose();
            }
            Directory.Delete(outDir, true);
        }
    }

    [Fact]
    public async Task Enqueue_and_wait_exits_2_when_a_delivery_failed_permanently_as_the_in_process_run_does()
    {
        var (db, outDir) = await MonthEndFaultTests.DemoAsync("sr_scale_refused");
        await using var cleanup = db;
        await using var smtp = new SmtpSink();
        // The receiving server refuses one rep's address for good (553): recorded failed, not retried.
        smtp.Answer = m => m.To.Mailboxes.Any(a => a.Address == "r005@demo.example")
            ? new SmtpServer.Protocol.SmtpResponse(SmtpServer.Protocol.SmtpReplyCode.MailboxNameNotAllowed, "no such user") : null;
        var env = ServeEnvironment(db, smtp.Port, outDir);
        env["Hangfire__WorkerCount"] = "3";
        var log = new StringBuilder();
        using var server = WorkerProcess.Start(["serve", "--urls", "http://127.0.0.1:0"], env, log);
        try
        {
            var (code, stdout, stderr) = await WorkerProcess.RunAsync(["month-end", "--period", "2026-10", "--enqueue", "--wait"], env, TimeSpan.FromMinutes(20));
            output.WriteLine(stdout);
            Assert.True(code == 2, $"month-end --enqueue --wait: {code} {stderr} {stdout} {log}");
            Assert.Contains("teams 3/3 done, forms 20/21 sent, 1 failed permanently", stdout, StringComparison.Ordinal);
            Assert.EndsWith("done; 1 delivery(ies) failed permanently: see `deliveries --period 2026-10 --status failed`", stdout.TrimEnd(), StringComparison.Ordinal);
            await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
            Assert.Equal([("R005", "failed")], (await Dapper.SqlMapper.QueryAsync<(string, string)>(conn,
                "select subject_id, status from reporting.delivery where kind = 'rep_form' and status <> 'sent'")).ToList());
            Assert.Equal(20, smtp.Messages.Count(m => m.To.Mailboxes.Any(a => a.Address.StartsWith('r') && a.Address.EndsWith("@demo.example", StringComparison.Ordinal))));
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            Directory.Delete(outDir, true);
        }
    }

    [Fact]
    public async Task A_month_end_missed_while_every_server_was_down_runs_once_when_one_comes_back()
    {
        await using var db = await TestDatabase.CreateAsync("sr_scale_missed");
        string[] args =
        [
            "--environment", "Production",
            $"--ConnectionStrings:Crm={db.Crm}", $"--ConnectionStrings:Finance={db.Finance}", $"--ConnectionStrings:Reporting={db.Reporting}",
            "--Mail:PickupDirectory=" + Path.Combine(Path.GetTempPath(), "sr-missed-mail"),
            "--Acknowledgement:Secret=" + LoopSetup.Secret, "--Acknowledgement:PublicBaseUrl=https://reports.example.com",
            "--Hangfire:Server=false",
        ];
        // The recurring jobs as `serve` registers them; then the servers "were down" over three month-ends.
        await using (var app = Serve.Build(args, c => c.UseLogProvider(new SilentLog()))) { }
        var storage = HangfireStorage.Create(db.Reporting);
        var missed = DateTime.UtcNow.AddMonths(-3);
        using (var connection = storage.GetConnection())
        using (var transaction = connection.CreateWriteTransaction())
        {
            // Registered long ago, last run four months ago; the next occurrence, three months ago, found every server down.
            transaction.SetRangeInHash($"recurring-job:{RecurringJobs.MonthEndCloseId}",
            [
                new("CreatedAt", JobHelper.SerializeDateTime(missed.AddMonths(-12))),
                new("LastExecution", JobHelper.SerializeDateTime(missed.AddMonths(-1))),
                new("NextExecution", JobHelper.SerializeDateTime(missed)),
            ]);
            transaction.AddToSet("recurring-jobs", RecurringJobs.MonthEndCloseId, JobHelper.ToTimestamp(missed));
            transaction.Commit();
        }

        // A server comes back (its workers listen to a queue nobody uses, so the job it creates stays there to be counted).
        static int Created(JobStorage storage) => storage.GetMonitoringApi().EnqueuedJobs("default", 0, 100)
            .Count(j => j.Value.Job?.Method.Name == nameof(MonthEndJob.CloseLastMonthAsync));
        var options = new BackgroundJobServerOptions { Queues = ["sr_missed_test"], WorkerCount = 1, SchedulePollingInterval = TimeSpan.FromSeconds(1) };
        using (var server = new BackgroundJobServer(options, storage))
        {
            var started = Stopwatch.StartNew();
            while (Created(storage) == 0 && started.Elapsed < TimeSpan.FromMinutes(3)) await Task.Delay(200);
            await Task.Delay(TimeSpan.FromSeconds(3)); // several more scheduler passes
            Assert.Equal(1, Created(storage));
        }
        // Another start later: nothing more, and the next occurrence is the next month-end, not one of the missed ones.
        using (var again = new BackgroundJobServer(options, storage))
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(1, Created(storage));
        }
        using var check = storage.GetConnection();
        var next = JobHelper.DeserializeDateTime(check.GetAllEntriesFromHash($"recurring-job:{RecurringJobs.MonthEndCloseId}")["NextExecution"]);
        Assert.True(next > DateTime.UtcNow, $"the next occurrence {next:O} is in the future");
        Assert.Equal(1, TimeZoneInfo.ConvertTimeFromUtc(next, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).Day);
    }
}
