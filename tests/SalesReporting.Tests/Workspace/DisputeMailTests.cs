using System.Diagnostics;
using Dapper;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SalesReporting.Data.Sources;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Worker.Hosting;
using SalesReporting.Worker.Jobs;
using SmtpServer.Protocol;

namespace SalesReporting.Tests.Workspace;

/// <summary>A rep's dispute reaches the manager by email from a Hangfire job, through the delivery ledger: retried by
/// Hangfire while the mail server refuses for now, and sent once however often the job runs.</summary>
public sealed class DisputeMailTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private readonly SmtpSink smtp = new();
    private IHost host = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync("sr_dispute");
        await using (var crm = await db.Databases.Crm.OpenConnectionAsync())
            await crm.ExecuteAsync("""
                insert into crm.teams(team_id, name, region, manager_name, manager_email, locale) values
                  ('T1', '一组', '华东', '王经理', 'mgr1@x.example', 'zh-CN'),
                  ('T2', 'Team two', 'East', 'Mary', 'mgr2@x.example', 'en');
                insert into crm.reps(rep_id, team_id, name, email, hire_date, active) values
                  ('R1', 'T1', '甲', 'r1@x.example', '2020-01-01', true),
                  ('R3', 'T2', 'Ann', 'r3@x.example', '2020-01-01', true);
                """);
        host = db.BuildHost(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:Attempts"] = "1",
            ["Acknowledgement:PublicBaseUrl"] = "https://reports.example.test",
        });
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
    }

    public async Task DisposeAsync()
    {
        host.Dispose();
        await smtp.DisposeAsync();
        await db.DisposeAsync();
    }

    private async Task<long> DisputeAsync(string repId, string indicator, string body)
    {
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>("""
            insert into reporting.rep_response(period, rep_id, kind, indicator, body, written_by)
            values ('2026-10-01', @repId, 'dispute', @indicator, @body, 'rep') returning id
            """, new { repId, indicator, body });
    }

    private async Task<(string Status, int Attempts, string? LastError, long Sends)> LedgerAsync(long id)
    {
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        return await conn.QuerySingleAsync<(string, int, string?, long)>("""
            select d.status, d.attempts, d.last_error, (select count(*) from reporting.delivery_send s where s.delivery_id = d.id)
            from reporting.delivery d where d.kind = 'dispute' and d.period = '2026-10-01' and d.subject_id = @id::text
            """, new { id });
    }

    [Fact]
    public async Task A_refused_send_fails_the_job_so_Hangfire_retries_it_and_the_manager_gets_the_dispute_once()
    {
        var id = await DisputeAsync("R1", "revenue", "10月28日客户C的5万元回款未计入");
        var refuse = true;
        smtp.Answer = _ => Volatile.Read(ref refuse) ? new SmtpResponse((SmtpReplyCode)451, "try later") : null;

        var storage = HangfireStorage.Create(db.Reporting);
        var client = new BackgroundJobClient(storage);
        var job = DisputeMail.Enqueue(client, id);
        string State()
        {
            using var connection = storage.GetConnection();
            return connection.GetJobData(job).State;
        }
        async Task WaitForAsync(string state)
        {
            var started = Stopwatch.StartNew();
            while (State() != state && started.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(200);
            Assert.Equal(state, State());
        }

        var options = new BackgroundJobServerOptions
        {
            Queues = ["default"], WorkerCount = 1, SchedulePollingInterval = TimeSpan.FromSeconds(1),
            Activator = new AspNetCoreJobActivator(host.Services.GetRequiredService<IServiceScopeFactory>()),
        };
        using (new BackgroundJobServer(options, storage))
        {
            // The 451: the job fails and Hangfire schedules its retry (AutomaticRetry); the ledger row waits, pending.
            await WaitForAsync("Scheduled");
            Assert.Empty(smtp.Messages);
            var pending = await LedgerAsync(id);
            Assert.Equal(("pending", 1, 0L), (pending.Status, pending.Attempts, pending.Sends));
            Assert.Contains("451", pending.LastError, StringComparison.Ordinal);

            // The server accepts again; the retry (brought forward rather than waited for) sends it.
            Volatile.Write(ref refuse, false);
            client.Requeue(job);
            await WaitForAsync("Succeeded");
            var mail = Assert.Single(smtp.Messages);
            Assert.Equal("mgr1@x.example", mail.To.Mailboxes.Single().Address);
            Assert.Equal("甲 对 2026-10 的数据提出异议", mail.Subject);
            Assert.Equal("auto-generated", mail.Headers["Auto-Submitted"]);
            Assert.Contains("原因: 10月28日客户C的5万元回款未计入", mail.TextBody, StringComparison.Ordinal);
            Assert.Contains("https://reports.example.test/app/reps/R1/2026-10#conversation", mail.TextBody, StringComparison.Ordinal);
            Assert.Equal(("sent", 2, (string?)null, 1L), await LedgerAsync(id));

            // A rerun of the job (from the dashboard, or a second worker) sends nothing twice.
            client.Requeue(job);
            await WaitForAsync("Succeeded");
            var started = Stopwatch.StartNew();
            while (started.Elapsed < TimeSpan.FromSeconds(3)) await Task.Delay(200);
            Assert.Single(smtp.Messages);
            Assert.Equal(("sent", 2, (string?)null, 1L), await LedgerAsync(id));
        }
    }

    [Fact]
    public async Task Each_dispute_is_a_mail_of_its_own_to_its_teams_manager_in_the_teams_language_and_a_rerun_sends_none_again()
    {
        var first = await DisputeAsync("R1", "revenue", "第一条异议");
        var second = await DisputeAsync("R3", "visits", "Three visits on 15 Oct are missing");
        var mail = host.Services.GetRequiredService<DisputeMail>();
        foreach (var id in new[] { first, second, first, second })
            await mail.SendAsync(id, default);
        Assert.Equal(2, smtp.Messages.Count);
        var english = smtp.Messages.Single(m => m.To.Mailboxes.Single().Address == "mgr2@x.example");
        Assert.Equal("Ann disputes a figure of 2026-10", english.Subject);
        Assert.StartsWith("Dispute of a figure: Customer visits", english.TextBody, StringComparison.Ordinal);
        Assert.Equal(("sent", 1, (string?)null, 1L), await LedgerAsync(first));
        Assert.Equal(("sent", 1, (string?)null, 1L), await LedgerAsync(second));
        // Not a dispute (or no such row): nothing to send.
        Assert.Equal("no dispute 999999", await mail.SendAsync(999999, default));
    }
}
